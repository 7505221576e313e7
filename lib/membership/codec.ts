/** GOSSIP message bodies: a list of member entries, each validated field by field. */
import { int, MessageError, optInt, pack, str, unpackObject } from '../coordinator/messages';
import type { MemberInfo, MemberStatus } from './view';

const STATUSES: readonly MemberStatus[] = ['joining', 'normal', 'leaving', 'removed'];
const MAX_MEMBERS = 4096;

export function encodeMembers(members: readonly MemberInfo[]): Buffer {
  return pack({ m: members.map((m) => ({ ...m })) });
}

export function decodeMembers(body: Buffer): MemberInfo[] {
  const o = unpackObject(body);
  if (!Array.isArray(o.m) || o.m.length > MAX_MEMBERS) throw new MessageError("field 'm' must be a list of members");
  return o.m.map((e: unknown) => {
    if (typeof e !== 'object' || e === null) throw new MessageError('member entry must be a map');
    const x = e as Record<string, unknown>;
    const status = str(x, 'status', 16) as MemberStatus;
    if (!STATUSES.includes(status)) throw new MessageError(`bad member status '${status}'`);
    const weight = x.weight;
    if (typeof weight !== 'number' || !(weight > 0) || weight > 10000) throw new MessageError('bad member weight');
    const address = str(x, 'address', 300);
    if (!/^.+:\d{1,5}$/.test(address)) throw new MessageError('bad member address');
    const id = str(x, 'id', 128);
    if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new MessageError('bad member id');
    const replicas = optInt(x, 'replicas', 1, 255);
    const vnodesPerWeight = optInt(x, 'vnodesPerWeight', 1, 4096);
    const started = optInt(x, 'started');
    return {
      id,
      address,
      respHost: str(x, 'respHost', 255),
      respPort: int(x, 'respPort', 1, 65535),
      zone: str(x, 'zone', 128),
      weight,
      // only when given: an entry of an older version names no placement and is not compared
      ...(replicas === null ? {} : { replicas }),
      ...(vnodesPerWeight === null ? {} : { vnodesPerWeight }),
      ...(started === null ? {} : { started }),
      status,
      generation: int(x, 'generation'),
      version: int(x, 'version'),
    };
  });
}
