import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

describe('security group rules', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  let sgId: string;
  const call = (token: string, method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });
  const createRule = (token: string, rule: Record<string, unknown>) =>
    call(token, 'POST', '/security-group-rules', { security_group_rule: { security_group_id: sgId, ...rule } });

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'sgr-alice');
    bob = await createMember(cloud, 'sgr-bob');
    const sg = await call(alice.token, 'POST', '/security-groups', { security_group: { name: 'rules' } });
    assert.equal(sg.status, 201, JSON.stringify(sg.body));
    sgId = sg.body.security_group.id;
  });
  after(() => cloud.close());

  it('creates, shows, lists and deletes a rule; duplicates are 409 naming the existing rule', async () => {
    const created = await createRule(alice.token, {
      direction: 'ingress',
      protocol: 'TCP',
      port_range_min: '22',
      port_range_max: 22,
      remote_ip_prefix: '10.1.2.3/16',
      description: 'ssh',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const r = created.body.security_group_rule;
    assert.equal(r.protocol, 'tcp');
    assert.equal(r.ethertype, 'IPv4');
    assert.equal(r.port_range_min, 22);
    assert.equal(r.remote_ip_prefix, '10.1.2.3/16');
    assert.equal(r.normalized_cidr, '10.1.0.0/16');
    assert.equal(r.remote_group_id, null);
    assert.equal(r.remote_address_group_id, null);
    assert.equal(r.description, 'ssh');
    assert.equal(r.project_id, alice.projectId);
    assert.equal(r.revision_number, 0);

    const group = await call(alice.token, 'GET', `/security-groups/${sgId}`);
    assert.equal(group.body.security_group.revision_number, 1, "a rule change moves its group's revision");
    assert.ok(group.body.security_group.security_group_rules.some((x: { id: string }) => x.id === r.id));

    const shown = await call(alice.token, 'GET', `/security-group-rules/${r.id}`);
    assert.deepEqual(shown.body.security_group_rule, r);
    assert.equal((await call(bob.token, 'GET', `/security-group-rules/${r.id}`)).status, 404);

    const dup = await createRule(alice.token, {
      direction: 'ingress',
      protocol: '6',
      port_range_min: 22,
      port_range_max: 22,
      remote_ip_prefix: '10.1.2.3/16',
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.NeutronError.type, 'SecurityGroupRuleExists');
    assert.match(dup.body.NeutronError.message, new RegExp(`Rule id is ${r.id}`));

    const listed = await call(alice.token, 'GET', `/security-group-rules?security_group_id=${sgId}&protocol=tcp`);
    assert.deepEqual(
      listed.body.security_group_rules.map((x: { id: string }) => x.id),
      [r.id],
    );
    const bobs = await call(bob.token, 'GET', `/security-group-rules?security_group_id=${sgId}`);
    assert.deepEqual(bobs.body.security_group_rules, []);

    assert.equal(
      (await call(alice.token, 'PUT', `/security-group-rules/${r.id}`, { security_group_rule: {} })).status,
      405,
    );
    assert.equal((await call(bob.token, 'DELETE', `/security-group-rules/${r.id}`)).status, 404);
    assert.equal((await call(alice.token, 'DELETE', `/security-group-rules/${r.id}`)).status, 204);
    assert.equal((await call(alice.token, 'GET', `/security-group-rules/${r.id}`)).status, 404);
  });

  it('canonicalises: legacy IPv6 ICMP names, whole port range, host prefixes', async () => {
    const v6 = await createRule(alice.token, { direction: 'ingress', ethertype: 'ipv6', protocol: 'icmpv6' });
    assert.equal(v6.status, 201, JSON.stringify(v6.body));
    assert.equal(v6.body.security_group_rule.protocol, 'ipv6-icmp');
    assert.equal(v6.body.security_group_rule.ethertype, 'IPv6');
    const again = await createRule(alice.token, { direction: 'ingress', ethertype: 'IPv6', protocol: '58' });
    assert.equal(again.status, 409, 'the same rule by number');

    const whole = await createRule(alice.token, {
      direction: 'egress',
      protocol: 'udp',
      port_range_min: 1,
      port_range_max: 65535,
    });
    assert.equal(whole.body.security_group_rule.port_range_min, null);
    assert.equal(whole.body.security_group_rule.port_range_max, null);

    const host = await createRule(alice.token, {
      direction: 'ingress',
      ethertype: 'IPv6',
      protocol: 132,
      remote_ip_prefix: '2001:DB8:0:0::1',
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
    assert.equal(host.body.security_group_rule.protocol, '132');
    assert.equal(host.body.security_group_rule.remote_ip_prefix, '2001:db8::1/128');

    const icmp = await createRule(alice.token, {
      direction: 'ingress',
      protocol: 'icmp',
      port_range_min: 8,
      port_range_max: 0,
    });
    assert.equal(icmp.status, 201, JSON.stringify(icmp.body));
  });

  it('uses another group as the remote; an unknown or foreign remote group is 404', async () => {
    const other = await call(alice.token, 'POST', '/security-groups', { security_group: { name: 'peer' } });
    const remote = await createRule(alice.token, {
      direction: 'ingress',
      remote_group_id: other.body.security_group.id,
    });
    assert.equal(remote.status, 201, JSON.stringify(remote.body));
    const bobsGroup = await call(bob.token, 'POST', '/security-groups', { security_group: { name: 'b' } });
    const foreign = await createRule(alice.token, {
      direction: 'ingress',
      ethertype: 'IPv6',
      remote_group_id: bobsGroup.body.security_group.id,
    });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.NeutronError.type, 'SecurityGroupNotFound');
    // Bob cannot add rules to Alice's group.
    const intoAlice = await createRule(bob.token, { direction: 'egress', protocol: 'gre' });
    assert.equal(intoAlice.status, 404);
    // Deleting the peer group takes the rules that name it.
    assert.equal((await call(alice.token, 'DELETE', `/security-groups/${other.body.security_group.id}`)).status, 204);
    assert.equal(
      (await call(alice.token, 'GET', `/security-group-rules/${remote.body.security_group_rule.id}`)).status,
      404,
    );
  });

  it('bulk creates rules of one group; duplicates within the body are 409', async () => {
    const bulk = await call(alice.token, 'POST', '/security-group-rules', {
      security_group_rules: [
        { security_group_id: sgId, direction: 'ingress', protocol: 'tcp', port_range_min: 80, port_range_max: 80 },
        { security_group_id: sgId, direction: 'ingress', protocol: 'tcp', port_range_min: 443, port_range_max: 443 },
      ],
    });
    assert.equal(bulk.status, 201, JSON.stringify(bulk.body));
    assert.equal(bulk.body.security_group_rules.length, 2);
    const dupInPost = await call(alice.token, 'POST', '/security-group-rules', {
      security_group_rules: [
        { security_group_id: sgId, direction: 'egress', protocol: 'tcp', port_range_min: 8, port_range_max: 9 },
        { security_group_id: sgId, direction: 'egress', protocol: 'TCP', port_range_min: 8, port_range_max: 9 },
      ],
    });
    assert.equal(dupInPost.status, 409);
    assert.equal(dupInPost.body.NeutronError.type, 'DuplicateSecurityGroupRuleInPost');
    const twoGroups = await call(alice.token, 'POST', '/security-group-rules', {
      security_group_rules: [
        { security_group_id: sgId, direction: 'egress', protocol: 'tcp', port_range_min: 5, port_range_max: 5 },
        { security_group_id: bob.projectId, direction: 'egress' },
      ],
    });
    assert.equal(twoGroups.status, 400);
    assert.equal(twoGroups.body.NeutronError.type, 'SecurityGroupNotSingleGroupRules');
  });

  it('answers bad input with Neutron 4xx errors', async () => {
    const base = { direction: 'ingress' };
    const cases: [Record<string, unknown>, number, string, RegExp?][] = [
      [{ direction: 'sideways' }, 400, 'HTTPBadRequest'],
      [{ ...base, ethertype: 'IPv5' }, 400, 'SecurityGroupRuleInvalidEtherType'],
      [{ ...base, protocol: 'bogus' }, 400, 'SecurityGroupRuleInvalidProtocol'],
      [{ ...base, protocol: 256 }, 400, 'SecurityGroupRuleInvalidProtocol'],
      [{ ...base, protocol: -1 }, 400, 'SecurityGroupRuleInvalidProtocol'],
      [
        { ...base, protocol: 'tcp', port_range_min: -16, port_range_max: 80 },
        400,
        'SecurityGroupInvalidPortValue',
        /Invalid value for port -16/,
      ],
      [
        { ...base, protocol: 'tcp', port_range_min: 80, port_range_max: 79 },
        400,
        'SecurityGroupInvalidPortRange',
        /port_range_min must be <= port_range_max/,
      ],
      [
        { ...base, protocol: 'tcp', port_range_min: 80, port_range_max: 65536 },
        400,
        'SecurityGroupInvalidPortValue',
        /Invalid value for port 65536/,
      ],
      [{ ...base, protocol: 'tcp', port_range_max: 6 }, 400, 'SecurityGroupInvalidPortRange'],
      [{ ...base, protocol: 'tcp', port_range_min: 0, port_range_max: 6 }, 400, 'SecurityGroupInvalidPortValue'],
      [
        { ...base, protocol: 'icmp', port_range_min: 1, port_range_max: 256 },
        400,
        'SecurityGroupInvalidIcmpValue',
        /Invalid value for ICMP code/,
      ],
      [
        { ...base, protocol: 'icmp', port_range_min: 300, port_range_max: 1 },
        400,
        'SecurityGroupInvalidIcmpValue',
        /Invalid value for ICMP type/,
      ],
      [
        { ...base, protocol: 'icmp', port_range_min: -1, port_range_max: 25 },
        400,
        'SecurityGroupInvalidPortValue',
        /Invalid value/,
      ],
      [
        { ...base, protocol: 'icmp', port_range_max: 6 },
        400,
        'SecurityGroupMissingIcmpType',
        /ICMP type \(port-range-min\) is missing/,
      ],
      [{ ...base, port_range_min: 1, port_range_max: 2 }, 400, 'SecurityGroupProtocolRequiredWithPorts'],
      [{ ...base, protocol: 'gre', port_range_min: 1, port_range_max: 2 }, 400, 'SecurityGroupInvalidProtocolForPort'],
      [{ ...base, remote_ip_prefix: '10.0.0.0/33' }, 400, 'InvalidCIDR'],
      [{ ...base, remote_ip_prefix: 'not-an-ip' }, 400, 'InvalidCIDR'],
      [
        { ...base, ethertype: 'IPv6', remote_ip_prefix: '10.0.0.0/8' },
        400,
        'SecurityGroupRuleParameterConflict',
        /Conflicting value ethertype/,
      ],
      [{ ...base, remote_ip_prefix: '::/0' }, 400, 'SecurityGroupRuleParameterConflict'],
      [{ ...base, protocol: 'ipv6-icmp' }, 400, 'SecurityGroupEthertypeConflictWithProtocol'],
      [
        { ...base, remote_ip_prefix: '10.0.0.0/8', remote_group_id: '00000000-0000-0000-0000-000000000000' },
        400,
        'SecurityGroupMultipleRemoteEntites',
      ],
      [{ ...base, remote_group_id: '00000000-0000-0000-0000-000000000000' }, 404, 'SecurityGroupNotFound'],
      [{ ...base, remote_address_group_id: '00000000-0000-0000-0000-000000000000' }, 404, 'AddressGroupNotFound'],
      [{ ...base, remote_address_group_id: 'x' }, 400, 'HTTPBadRequest'],
      [{ ...base, security_group_id: '00000000-0000-0000-0000-000000000000' }, 404, 'SecurityGroupNotFound'],
      [{ ...base, security_group_id: 'nope' }, 404, 'SecurityGroupNotFound'],
      [{ ...base, tenant_id: 'someone-else' }, 400, 'HTTPBadRequest'],
      [{ ...base, normalized_cidr: '10.0.0.0/8' }, 400, 'HTTPBadRequest'],
      [{ ...base, bogus: 1 }, 400, 'HTTPBadRequest'],
    ];
    for (const [rule, status, type, message] of cases) {
      const res = await createRule(alice.token, rule);
      assert.equal(res.status, status, `${JSON.stringify(rule)} → ${JSON.stringify(res.body)}`);
      assert.equal(res.body.NeutronError.type, type, JSON.stringify(rule));
      if (message) assert.match(res.body.NeutronError.message, message);
    }
    const noDirection = await call(alice.token, 'POST', '/security-group-rules', {
      security_group_rule: { security_group_id: sgId },
    });
    assert.equal(noDirection.status, 400);
    const badFilter = await call(alice.token, 'GET', '/security-group-rules?protocol=bogus');
    assert.equal(badFilter.status, 400);
  });

  it("an admin sees every rule; a project sees its own group's rules", async () => {
    const all = await call(cloud.adminToken, 'GET', `/security-group-rules?security_group_id=${sgId}`);
    const mine = await call(alice.token, 'GET', `/security-group-rules?security_group_id=${sgId}`);
    assert.ok(all.body.security_group_rules.length > 0);
    assert.equal(all.body.security_group_rules.length, mine.body.security_group_rules.length);
    const page = await call(alice.token, 'GET', `/security-group-rules?security_group_id=${sgId}&limit=2&sort_key=id`);
    assert.equal(page.body.security_group_rules.length, 2);
    assert.ok(page.body.security_group_rules_links);
  });
});
