/** Every command family, registered in the one command table. */
import { CommandTable } from '../command-table';
import { connectionCommands } from './connection';
import { serverCommands } from './server';
import { stringCommands } from './strings';
import { counterCommands } from './counters';
import { keyCommands } from './keys';
import { objectCommands } from './object';
import { versionCommands } from './versions';
import { clusterCommands } from './cluster';
import type { CommandDef } from '../command-table';

export function buildCommandTable(extra: readonly CommandDef[] = []): CommandTable {
  return new CommandTable([...connectionCommands, ...serverCommands, ...stringCommands, ...counterCommands, ...keyCommands, ...objectCommands, ...versionCommands, ...clusterCommands, ...extra]);
}
