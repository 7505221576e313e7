// What the load generator does, as data, and how it turns that into RESP bytes. Pure.

import { UniformChooser, ZipfianChooser, type Rng } from './zipfian';

export type Distribution = 'zipfian' | 'uniform';

export interface WorkloadSpec {
  /** 'load': SET every key 0..keys-1 once, then stop; 'mix': GET/SET for durationMs */
  phase: 'load' | 'mix';
  /** client ports; connections are spread over them round-robin */
  ports: readonly number[];
  connections: number;
  /** requests in flight per connection */
  pipeline: number;
  keys: number;
  /** keys start at this index (a load phase may fill a range) */
  firstKey?: number;
  valueSize: number;
  /** fraction of reads (GET) in a mix; the rest are updates (SET) */
  readFraction: number;
  distribution: Distribution;
  seed: number;
  warmupMs: number;
  durationMs: number;
}

export interface OpFigures {
  ops: number;
  opsPerSec: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export interface WorkloadResult {
  seconds: number;
  errors: number;
  firstError?: string;
  read: OpFigures;
  update: OpFigures;
}

export const KEY_PREFIX = 'ycsb:';

export function keyOf(index: number): string {
  return `${KEY_PREFIX}${index}`;
}

/** A printable value of `size` bytes (the same for every write: the server does not care). */
export function valueOf(size: number): string {
  let v = '';
  for (let i = 0; i < size; i++) v += String.fromCharCode(97 + (i % 26));
  return v;
}

export function encodeGet(key: string): string {
  return `*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`;
}

export function encodeSet(key: string, value: string): string {
  return `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
}

export interface KeyChooser {
  next(): number;
}

export function chooserFor(spec: WorkloadSpec, rng: Rng): KeyChooser {
  return spec.distribution === 'zipfian' ? new ZipfianChooser(spec.keys, rng) : new UniformChooser(spec.keys, rng);
}

export const READ = 0;
export const UPDATE = 1;
