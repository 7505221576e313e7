/** The INFO `transfer` section: fields in Redis's "field:value" form. */
import type { InfoFields } from '../handoff/info';
import type { TransferStats } from './ownership-transfer';

export function transferInfoFields(s: TransferStats): InfoFields {
  return [
    ['transfer_member_status', s.status],
    ['transfer_jobs_pending', s.jobsPending],
    ['transfer_records_pulled', s.pulled],
    ['transfer_records_pushed', s.pushed],
    ['transfer_records_served', s.served],
    ['transfer_records_received', s.received],
    ['transfer_failures', s.failures],
  ];
}
