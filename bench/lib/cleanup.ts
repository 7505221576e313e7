// Everything the harness must undo however it ends: child processes to kill, temp dirs to remove.

import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

export class Cleanup {
  private readonly children = new Set<ChildProcess>();
  private readonly dirs = new Set<string>();

  addChild(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  addDir(dir: string): void {
    this.dirs.add(dir);
  }

  /** SIGTERM every live child, SIGKILL those still alive after `graceMs`, then remove the dirs. */
  async run(graceMs = 5000): Promise<void> {
    await Promise.all([...this.children].map((child) => stopChild(child, graceMs)));
    for (const dir of this.dirs) await rm(dir, { recursive: true, force: true });
    this.dirs.clear();
  }

  /** Last resort from a process 'exit' handler, where nothing asynchronous runs any more. */
  runSync(): void {
    for (const child of this.children) if (isAlive(child)) child.kill('SIGKILL');
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

function isAlive(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Sends SIGTERM, waits up to `graceMs` for the exit, then SIGKILLs. Resolves once it exited. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (!isAlive(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
