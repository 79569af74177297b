import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

const HOST = 'aio-test-host';

describe('agents and availability zones', () => {
  let cloud: TestCloud;
  let alice: Member;
  const net = (token: string, method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });

  before(async () => {
    cloud = await startCloud(undefined, { network: { host: HOST } });
    alice = await createMember(cloud, 'agent-alice');
  });
  after(() => cloud.close());

  it('lists the in-process agent as Neutron agent types, alive, for admins only', async () => {
    const res = await net(cloud.adminToken, 'GET', '/agents');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const mine = res.body.agents.filter((a: { host: string }) => a.host === HOST);
    assert.deepEqual(mine.map((a: { agent_type: string }) => a.agent_type).sort(), [
      'DHCP agent',
      'L3 agent',
      'Linux bridge agent',
      'Metadata agent',
    ]);
    const dhcp = mine.find((a: { agent_type: string }) => a.agent_type === 'DHCP agent');
    assert.equal(dhcp.alive, true);
    assert.equal(dhcp.admin_state_up, true);
    assert.equal(dhcp.availability_zone, 'nova');
    assert.equal(dhcp.topic, 'dhcp_agent');
    assert.equal(typeof dhcp.configurations, 'object');
    assert.match(dhcp.heartbeat_timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    for (const key of ['id', 'binary', 'created_at', 'started_at', 'description', 'resources_synced'])
      assert.ok(key in dhcp, key);

    assert.deepEqual((await net(alice.token, 'GET', '/agents')).body, { agents: [] }, 'non-admins see none');
    assert.equal((await net(alice.token, 'GET', `/agents/${dhcp.id}`)).status, 404);
    assert.equal((await net(alice.token, 'PUT', `/agents/${dhcp.id}`, { agent: { description: 'x' } })).status, 404);
    assert.equal((await net(alice.token, 'DELETE', `/agents/${dhcp.id}`)).status, 404);
  });

  it('filters, picks fields and shows', async () => {
    const l3 = await net(cloud.adminToken, 'GET', `/agents?agent_type=L3+agent&host=${HOST}&fields=id&fields=alive`);
    assert.equal(l3.body.agents.length, 1);
    assert.deepEqual(Object.keys(l3.body.agents[0]).sort(), ['alive', 'id']);
    const shown = await net(cloud.adminToken, 'GET', `/agents/${l3.body.agents[0].id}`);
    assert.equal(shown.body.agent.agent_type, 'L3 agent');
    const alive = await net(cloud.adminToken, 'GET', '/agents?alive=true');
    assert.ok(alive.body.agents.length >= 4);
    assert.equal((await net(cloud.adminToken, 'GET', '/agents?alive=false')).body.agents.length, 0);
    assert.equal((await net(cloud.adminToken, 'GET', '/agents?bogus=1')).status, 400);
    const missing = await net(cloud.adminToken, 'GET', '/agents/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.type, 'AgentNotFound');
  });

  it('updates admin_state_up and description only, and deletes', async () => {
    const [agent] = (await net(cloud.adminToken, 'GET', '/agents?agent_type=Metadata+agent')).body.agents;
    const upd = await net(cloud.adminToken, 'PUT', `/agents/${agent.id}`, {
      agent: { admin_state_up: false, description: 'for update' },
    });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    assert.equal(upd.body.agent.admin_state_up, false);
    assert.equal(upd.body.agent.description, 'for update');
    assert.equal((await net(cloud.adminToken, 'PUT', `/agents/${agent.id}`, { agent: { host: 'x' } })).status, 400);
    assert.equal((await net(cloud.adminToken, 'DELETE', `/agents/${agent.id}`)).status, 204);
    assert.equal((await net(cloud.adminToken, 'GET', `/agents/${agent.id}`)).status, 404);
    assert.equal((await net(cloud.adminToken, 'DELETE', `/agents/${agent.id}`)).status, 404);
  });

  it('lists availability zones from the DHCP and L3 agents', async () => {
    const res = await net(alice.token, 'GET', '/availability_zones');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.availability_zones, [
      { name: 'nova', resource: 'network', state: 'available' },
      { name: 'nova', resource: 'router', state: 'available' },
    ]);
    const routers = await net(alice.token, 'GET', '/availability_zones?resource=router');
    assert.deepEqual(routers.body.availability_zones, [{ name: 'nova', resource: 'router', state: 'available' }]);
  });
});
