import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentClient, chatClient, control, http, startEmulator, type RunningEmulator, resetEmulator } from '../../support/emulator';

let emu: RunningEmulator;
const basic = (user: string, pass: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
const auth = basic('demo', 'demo-token');

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => resetEmulator(emu.url));

describe('Real Time Statistics', () => {
  it('asks for Basic credentials (401) and refuses wrong ones (403)', async () => {
    const none = await http(`${emu.url}/api/rtstats/stats/queues.json`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await http(`${emu.url}/api/rtstats/stats/queues.json`, { headers: basic('demo', 'nope') })).status).toBe(403);
  });

  it('lists both queues with live sizes, available agents and the longest wait', async () => {
    const chat = chatClient(emu.url);
    const a = await chat.requestChat();
    await chat.requestChat();
    await chat.requestChat({ endpoint: 'billing' });
    await agentClient(emu.url).accept(a);
    await control(emu.url, { agentsAvailable: { billing: 0 } });
    const r = await http(`${emu.url}/api/rtstats/stats/queues.json`, { headers: auth });
    expect(r.status).toBe(200);
    const queues = r.body.queues.queue;
    expect(queues.map((q: any) => [q['queue-id'], q['queue-name'], q['queue-size'], q['agent-count-waitTransact'], q['number-in-progress']])).toEqual([
      ['support', 'Support', 1, 2, 1],
      ['billing', 'Billing', 1, 0, 0],
    ]);
    expect(queues[0]['longest-wait-time']).toEqual(expect.any(Number));
  });

  it('shows one queue in JSON, in XML by default, and 404 for an unknown one', async () => {
    const json = await http(`${emu.url}/api/rtstats/stats/queue/billing.json`, { headers: auth });
    expect(json.body.queue).toMatchObject({ 'queue-id': 'billing', 'queue-name': 'Billing', 'queue-size': 0, 'agent-count-waitTransact': 2, 'longest-wait-time': 0 });
    const xml = await http(`${emu.url}/api/rtstats/stats/queue/billing`, { headers: auth });
    expect(xml.headers.get('content-type')).toMatch(/xml/);
    expect(xml.body).toMatch(/<queue>.*<queue-id>billing<\/queue-id>.*<\/queue>/);
    expect((await http(`${emu.url}/api/rtstats/stats/queue/116.json`, { headers: auth })).status).toBe(404);
  });

  it('lists agents who took chats, busy while they hold one', async () => {
    const id = await chatClient(emu.url).requestChat();
    const agent = agentClient(emu.url);
    await agent.accept(id, 'agent-kristi', 'Kristi');
    let agents = (await http(`${emu.url}/api/rtstats/stats/agents.json`, { headers: auth })).body.agents.agent;
    expect(agents).toEqual([expect.objectContaining({ 'agent-id': 'agent-kristi', 'agent-name': 'Kristi', 'agent-status': 2 })]);
    await agent.leave(id);
    agents = (await http(`${emu.url}/api/rtstats/stats/agent/agent-kristi.json`, { headers: auth })).body.agent;
    expect(agents['agent-status']).toBe(0);
  });
});

describe('Tenant Schedule', () => {
  it('says open (0) by default and closed (-1) when the control closes it', async () => {
    const open = await http(`${emu.url}/api/provisioning/schedules/1/status`, { headers: auth });
    expect(open.body).toEqual({ id: '1', status: 0, label: 'OPEN' });
    await control(emu.url, { scheduleOpen: false });
    expect((await http(`${emu.url}/api/provisioning/schedules/1/status`, { headers: auth })).body.status).toBe(-1);
    await control(emu.url, { scheduleOpen: null });
    expect((await http(`${emu.url}/api/provisioning/schedules/1/status`, { headers: auth })).body.status).toBe(0);
  });

  it('requires auth (401), knows only its schedule (404), checks utctime and answers XML on request', async () => {
    expect((await http(`${emu.url}/api/provisioning/schedules/1/status`)).status).toBe(401);
    expect((await http(`${emu.url}/api/provisioning/schedules/1/status`, { headers: basic('demo', 'x') })).status).toBe(401);
    expect((await http(`${emu.url}/api/provisioning/schedules/7/status`, { headers: auth })).status).toBe(404);
    expect((await http(`${emu.url}/api/provisioning/schedules/1/status?utctime=soon`, { headers: auth })).status).toBe(400);
    expect((await http(`${emu.url}/api/provisioning/schedules/1/status?utctime=1360821949898&offset=600`, { headers: auth })).body.status).toBe(0);
    const xml = await http(`${emu.url}/api/provisioning/schedules/1/status`, { headers: { ...auth, Accept: 'application/xml' } });
    expect(xml.body).toMatch(/<status>0<\/status>/);
    expect((await http(`${emu.url}/api/provisioning/schedules`, { headers: auth })).body.schedules[0]).toMatchObject({ id: '1', 'week-days': expect.any(Array) });
  });
});
