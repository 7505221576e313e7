/** The gossiped view's pure parts: the merge rule, placement comparison, and the member codec. */
import { expect } from 'chai';
import { decodeMembers, encodeMembers } from '../../lib/membership/codec';
import { pack } from '../../lib/coordinator/messages';
import { describePlacement, mergeView, placementDiffers, type MemberInfo, type View } from '../../lib/membership/view';

const base: MemberInfo = {
  id: 'a', address: '127.0.0.1:17001', respHost: '127.0.0.1', respPort: 7001, zone: 'z1', weight: 1,
  replicas: 3, vnodesPerWeight: 64, status: 'normal', generation: 100, version: 1,
};

describe('membership view', () => {
  it('keeps, per id, the entry with the higher (generation, version)', () => {
    const view: View = new Map([['a', base]]);
    expect(mergeView(view, [{ ...base, version: 0 }]).changed).to.deep.equal([]);
    const later = mergeView(view, [{ ...base, version: 2, status: 'leaving' }]);
    expect(later.changed).to.deep.equal(['a']);
    expect(later.view.get('a')!.status).to.equal('leaving');
    // a new generation wins over any version of the old one
    expect(mergeView(later.view, [{ ...base, generation: 101, version: 1 }]).view.get('a')!.generation).to.equal(101);
  });

  it('placement settings conflict only when both entries name them and they differ', () => {
    expect(placementDiffers(base, { ...base, id: 'b' })).to.equal(false);
    expect(placementDiffers(base, { ...base, replicas: 5 })).to.equal(true);
    expect(placementDiffers(base, { ...base, vnodesPerWeight: 16 })).to.equal(true);
    const { replicas: _r, vnodesPerWeight: _v, ...older } = base;
    expect(placementDiffers(base, older)).to.equal(false);
    expect(describePlacement(base)).to.equal('replicas 3, vnodes-per-weight 64');
    expect(describePlacement(older)).to.equal('');
  });

  it('the codec carries placement settings, decodes an entry without them, and refuses bad ones', () => {
    expect(decodeMembers(encodeMembers([base]))).to.deep.equal([base]);
    const { replicas: _r, vnodesPerWeight: _v, ...older } = base;
    const decoded = decodeMembers(encodeMembers([older]));
    expect(decoded).to.deep.equal([older]);
    expect(decoded[0]).to.not.have.property('replicas');
    expect(() => decodeMembers(pack({ m: [{ ...base, replicas: 0 }] }))).to.throw(/replicas/);
    expect(() => decodeMembers(pack({ m: [{ ...base, vnodesPerWeight: 'x' }] }))).to.throw(/vnodesPerWeight/);
  });
});
