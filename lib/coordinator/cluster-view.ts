/** What the coordinator needs to know about the cluster: the ring, addresses, and health. */
import type { Ring } from '../ring';
import type { NodeId } from '../versioning/types';

export interface ClusterView {
  readonly self: NodeId;
  ring(): Ring;
  /** cluster-port address of a member */
  addressOf(id: NodeId): string | undefined;
  isUp(id: NodeId): boolean;
  /** a reply arrived from the peer */
  reportSuccess(id: NodeId): void;
  /** a request to the peer failed (timeout, unreachable) */
  reportFailure(id: NodeId): void;
  /** members on the ring, up or not */
  memberCount(): number;
  memberIds(): NodeId[];
  /** this node has heard of `id` (on the ring or not: joining, left, removed) */
  knows(id: NodeId): boolean;
}
