import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  IMAGE_PATH_PREFIX,
  rehostImages,
  SAMPLE_ROOM_IDS,
  type Simulator,
  SimulatorConfigError,
  sampleRooms,
  simRoomId,
  simulatorImage,
  startSimulator,
} from '../../../dev/simulator/index.js';

const PATH = '/data/chat_data/2022_03_25/5d41402abc4b2a76b9719d911017c592_w.png';
let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ token: 'sim-token' });
});

afterAll(async () => {
  await simulator?.close();
});

beforeEach(() => {
  simulator.clearFaults();
  simulator.resetRequests();
});

describe('the simulator on image paths', () => {
  it('serves the same small PNG for a path every time, and another for another path', async () => {
    const first = await fetch(`${simulator.url}${PATH}`);
    const again = await fetch(`${simulator.url}${PATH}`);
    const other = await fetch(`${simulator.url}/data/chat_data/2022_03_25/other_w.png`);

    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(bytes.equals(simulatorImage(PATH))).toBe(true);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.length).toBeLessThan(200);
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
    expect(Buffer.from(await other.arrayBuffer()).equals(bytes)).toBe(false);
    expect(simulator.imageRequests.map((request) => [request.method, request.path])).toEqual([
      ['GET', PATH],
      ['GET', PATH],
      ['GET', '/data/chat_data/2022_03_25/other_w.png'],
    ]);
  });

  it('serves registered bytes with their content type', async () => {
    const path = '/data/chat_data/registered.jpg';
    simulator.setImage(path, { body: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), contentType: 'image/jpeg' });

    const response = await fetch(`${simulator.url}${path}`);

    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect([...Buffer.from(await response.arrayBuffer())]).toEqual([0xff, 0xd8, 0xff, 0xe0]);
    simulator.setImage(path, undefined);
    expect(
      Buffer.from(await (await fetch(`${simulator.url}${path}`)).arrayBuffer()).equals(simulatorImage(path)),
    ).toBe(true);
  });

  it('answers the faults set on a path, as many times as asked', async () => {
    simulator.setImageFault(PATH, { kind: 'status', status: 404, times: 1 });
    simulator.setImageFault('/data/chat_data/html.png', {
      kind: 'content-type',
      contentType: 'text/html',
      body: '<p>',
    });
    simulator.setImageFault('/data/chat_data/loop.png', { kind: 'redirect-loop' });
    simulator.setImageFault('/data/chat_data/meta.png', {
      kind: 'redirect',
      location: 'http://169.254.169.254/latest/meta-data/',
    });
    simulator.setImageFault('/data/chat_data/huge.png', {
      kind: 'huge',
      bytes: 300_000,
      contentLength: false,
    });

    const missing = await fetch(`${simulator.url}${PATH}`);
    const found = await fetch(`${simulator.url}${PATH}`);
    const html = await fetch(`${simulator.url}/data/chat_data/html.png`);
    const loop = await fetch(`${simulator.url}/data/chat_data/loop.png`, { redirect: 'manual' });
    const meta = await fetch(`${simulator.url}/data/chat_data/meta.png`, { redirect: 'manual' });
    const huge = await fetch(`${simulator.url}/data/chat_data/huge.png`);

    expect(missing.status).toBe(404);
    expect(found.status).toBe(200);
    expect([html.headers.get('content-type'), await html.text()]).toEqual(['text/html', '<p>']);
    expect([loop.status, loop.headers.get('location')]).toEqual([302, '/data/chat_data/loop.png']);
    expect([meta.status, meta.headers.get('location')]).toEqual([
      302,
      'http://169.254.169.254/latest/meta-data/',
    ]);
    expect(huge.headers.get('content-length')).toBeNull();
    expect((await huge.arrayBuffer()).byteLength).toBe(300_000);
  });

  it('refuses a path outside the image paths and an invalid fault', () => {
    expect(() => simulator.setImage('/user/api/chat_data/format/json', { body: 'x' })).toThrow(
      SimulatorConfigError,
    );
    expect(() => simulator.setImageFault(PATH, { kind: 'huge', bytes: 1 })).toThrow(SimulatorConfigError);
  });

  it("rehosts the sample rooms' image URLs, escaped or not", () => {
    const rooms = new Map(sampleRooms().map((room) => [simRoomId(room), room]));
    const images = rooms.get(SAMPLE_ROOM_IDS.images);
    const buttons = rooms.get(SAMPLE_ROOM_IDS.buttons);
    if (!images || !buttons) throw new Error('sample rooms missing');

    const rehostedImages = rehostImages(images, simulator.url);
    const rehostedButtons = rehostImages(buttons, simulator.url);

    const imageContents = rehostedImages.message
      .filter((message) => message.contents_type === 'image')
      .map((message) => message.contents);
    expect(imageContents).toHaveLength(3);
    for (const contents of imageContents)
      expect(contents).toMatch(new RegExp(`^${simulator.url}${IMAGE_PATH_PREFIX}`));
    const menu = JSON.parse(String(rehostedButtons.message[0]?.contents));
    expect(menu.image_url).toBe(
      `${simulator.url}/data/chat_data/2024_03_13/a87ff679a2f3e71d9181a67b7542122c_w.png`,
    );
    expect(JSON.stringify(rehostedImages)).not.toContain('static.happytalk.io');
    expect(images.message.map((message) => message.contents)).not.toEqual(
      rehostedImages.message.map((message) => message.contents),
    );
  });
});
