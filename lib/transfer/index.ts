/** Ownership transfer on join, leave and forget: plans, the peer messages, the driver. */
export { TransferError, type TransferErrorCode } from './errors';
export { spansOf, spanSlots, inSpans, gainedSlots, pullPlan, catchUpPlan, pushPlan, type SlotSpan } from './plan';
export { RecordMover, type MoverOptions } from './mover';
export { OwnershipTransfer, type TransferOptions, type TransferStats } from './ownership-transfer';
export { transferInfoFields } from './info';
