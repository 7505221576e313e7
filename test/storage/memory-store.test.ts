import { MemoryStore } from '../../lib/storage/memory-store';
import { storeCompliance } from './store-compliance';

storeCompliance('MemoryStore', async () => new MemoryStore());
storeCompliance('MemoryStore with synchronous reads', async () => new MemoryStore({ syncReads: true }));
