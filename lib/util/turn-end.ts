/**
 * Work for the end of an event-loop turn (the check phase, after the poll phase's I/O), in two
 * stages that run in order: stage 0, storage (the journal append and device batch of the writes
 * issued this turn), then stage 1, output (the socket writes of replies and peer frames).
 *
 * The two stages are separate immediates queued together, so the promise callbacks that stage 0
 * sets off (the writes it acknowledged completing their commands) run before stage 1. A reply to
 * a write acknowledged at the end of a turn therefore leaves in that same turn; with one
 * setImmediate each, it was queued while the check phase ran and waited for the next turn's, a
 * whole poll phase later.
 */
type Task = () => void;

const stages: [Task[], Task[]] = [[], []];
let armed = false;
/** this turn's storage stage has run and its output stage has not */
let betweenStages = false;

export enum TurnStage {
  STORAGE = 0,
  OUTPUT = 1,
}

/** run `fn` at the end of this event-loop turn, in `stage` */
export function atTurnEnd(stage: TurnStage, fn: Task): void {
  stages[stage].push(fn);
  if (!armed) arm();
}

function arm(): void {
  armed = true;
  setImmediate(runStorage);
  setImmediate(runOutput);
}

/**
 * Run `fn` before this turn's output stage: in its storage stage, or, once that has run, at the
 * end of the current microtask run (which ends before the output stage starts). So what `fn`
 * queues for output leaves this turn, whenever in the turn it was asked for.
 */
export function beforeOutput(fn: Task): void {
  if (betweenStages) queueMicrotask(fn);
  else atTurnEnd(TurnStage.STORAGE, fn);
}

function runStorage(): void {
  betweenStages = true;
  runAll(TurnStage.STORAGE);
}

function runOutput(): void {
  armed = false;
  betweenStages = false;
  try {
    runAll(TurnStage.OUTPUT);
  } finally {
    // work added after its stage ran in this turn (a write issued by a command that stage 0
    // completed, say) goes at the end of the next one, even when a task of this one threw
    if (!armed && (stages[0].length > 0 || stages[1].length > 0)) arm();
  }
}

function runAll(stage: TurnStage): void {
  const tasks = stages[stage];
  stages[stage] = [];
  let failure: unknown = null;
  for (const t of tasks) {
    try {
      t();
    } catch (err) {
      failure ??= err;
    }
  }
  // as a throwing setImmediate callback would, but only after every other task has run
  if (failure !== null) throw failure;
}
