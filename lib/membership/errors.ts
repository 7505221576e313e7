/**
 * Errors of membership operations. Callers branch on `code`:
 *   MEMBER_UNKNOWN     the node id is not in this node's view
 *   MEMBER_SELF        the operation cannot apply to this node itself (forgetting itself)
 *   MEMBER_BAD_STATE   this node's status does not allow the operation (leaving while joining, ...)
 *   MEMBER_LAST        the operation would leave the cluster with no node to hold the data
 *   MEMBER_REACHABLE   the node to forget still answers (it is not gone)
 */
export type MembershipErrorCode = 'MEMBER_UNKNOWN' | 'MEMBER_SELF' | 'MEMBER_BAD_STATE' | 'MEMBER_LAST' | 'MEMBER_REACHABLE';

export class MembershipError extends Error {
  readonly code: MembershipErrorCode;

  constructor(code: MembershipErrorCode, message: string) {
    super(message);
    this.name = 'MembershipError';
    this.code = code;
  }
}
