export { BackgroundController, type BackgroundControllerOptions, type LatencySource } from './controller';
export { SharedBudget, type BackgroundBudget, type SharedBudgetOptions } from './budget';
export {
  decide,
  initialState,
  withDefaults,
  DEFAULT_PARAMS,
  type ControllerParams,
  type ControllerState,
  type Decision,
  type Observation,
} from './decide';
