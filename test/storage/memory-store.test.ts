import { MemoryStore } from '../../lib/storage/memory-store';
import { storeCompliance } from './store-compliance';

storeCompliance('MemoryStore', async () => new MemoryStore());
