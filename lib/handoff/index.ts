/** Hinted handoff: durable hints, their delivery, pacing, and the INFO section. */
export { HandoffError, type HandoffErrorCode } from './errors';
export { hintKey, parseHintKey, targetRange, allHintsRange, MAX_TARGET_BYTES, type HintAddress } from './hint-key';
export { HintStore, type Hint, type HintLimits, type HintStats } from './hint-store';
export { HintDelivery, type HintDeliveryOptions } from './hint-delivery';
export { FixedRatePacer, type HandoffPacer } from './pacer';
export { coordinatorHints } from './coordinator-hints';
export { handoffInfoFields, type InfoFields } from './info';
