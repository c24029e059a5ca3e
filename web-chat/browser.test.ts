// The web chat end to end, in real headless Chromium (Debian's `chromium`, driven by playwright-core)
// against `curator serve` on the demo library, as a person uses it. Screenshots land in
// reports/screenshots/ as test artefacts.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUi } from './ui-build.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shots = path.join(root, 'reports', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let base: string;
let browser: Browser;

interface Served {
  child: ChildProcess;
  url: string;
  dir: string;
}

/** `curator serve` on a fresh store; with the demo library it resolves once that is built. */
async function serve(env: Record<string, string>, demo: boolean): Promise<Served> {
  const data = await mkdtemp(path.join(os.tmpdir(), 'curator-web-'));
  const child = spawn(process.execPath, [path.join(root, 'bin/curator.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: data,
      SURREAL_URL: 'mem://',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ENRICH_ON_START: 'off',
      DEMO_SEED: demo ? 'auto' : 'off',
      WEB_AUTH_TOKEN: '',
      WEB_USERS: '',
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time:\n${out}`)), 110_000);
    let found: string | undefined;
    const onData = (d: Buffer) => {
      out += d.toString();
      found ??= /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
      if (found && (!demo || out.includes('demo library ready'))) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`curator serve exited (${code}):\n${out}`)));
  });
  return { child, url, dir: data };
}

async function stop(s: Served | undefined) {
  if (!s) return;
  if (s.child.exitCode === null) {
    const exited = new Promise((r) => s.child.once('exit', r));
    s.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  await rm(s.dir, { recursive: true, force: true });
}

let main: Served | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  await mkdir(shots, { recursive: true });
  expect(await ensureUi()).toBe(true);
  main = await serve({}, true);
  base = main.url;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 150_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await stop(main);
});

async function openPage(
  width = 1280,
  height = 900,
  at = base,
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} ${m.location().url}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${at}/`);
  if (at === base) await page.getByRole('textbox', { name: 'Message' }).waitFor();
  return { page, problems };
}

async function say(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** Thumbnails that the browser actually decoded, not just <img> tags. */
const loadedThumbs = (page: Page) =>
  page.evaluate(
    () =>
      [...document.querySelectorAll<HTMLImageElement>('.grid .card img')].filter(
        (i) => i.complete && i.naturalWidth > 0,
      ).length,
  );

const json = async <T>(p: string, init?: RequestInit): Promise<T> =>
  (await (await fetch(`${base}${p}`, init)).json()) as T;

describe('the web chat in Chromium', () => {
  it('opens at / with suggested questions and the model that answers', async () => {
    const { page, problems } = await openPage();
    await expect(page.title()).resolves.toBe('Curator');
    const suggestions = page.getByRole('list', { name: 'Suggested questions' }).getByRole('button');
    await suggestions.first().waitFor();
    expect(await suggestions.count()).toBeGreaterThanOrEqual(3);
    await expect(page.locator('.model').textContent()).resolves.toMatch(/offline planner/);
    await page.screenshot({ path: path.join(shots, 'empty-conversation.png') });
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  it("answers the spring launch's Instagram assets with thumbnails, at desktop and phone widths", async () => {
    const { page, problems } = await openPage();
    await say(page, "show me the spring launch's Instagram assets");
    await page.locator('.grid .card').first().waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll<HTMLImageElement>('.grid .card img')].filter(
          (i) => i.complete && i.naturalWidth > 0,
        ).length >= 4,
      undefined,
      { timeout: 20_000 },
    );
    const titles = await page.locator('.grid .card .card-title').allTextContents();
    expect(titles.length).toBeGreaterThanOrEqual(4);
    expect(titles.every((t) => /spring launch/i.test(t))).toBe(true);
    expect(titles.every((t) => /instagram/i.test(t))).toBe(true);
    expect(await loadedThumbs(page)).toBeGreaterThanOrEqual(4);
    await expect(page.locator('.answered-by').first().textContent()).resolves.toMatch(
      /offline planner/,
    );
    await page.screenshot({ path: path.join(shots, 'spring-instagram-1280.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    // Nothing wider than the phone: the page never scrolls sideways.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(shots, 'spring-instagram-390.png') });
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  it('asks before a change, runs it once when approved in the page, and keeps it after a reload', async () => {
    const { items } = await json<{ items: { id: string; title: string; status: string }[] }>(
      '/api/assets?campaign=spring-launch&status=approved&limit=1',
    );
    const asset = items[0]!;
    const { page, problems } = await openPage();
    await say(page, `archive ${asset.id}`);
    const approve = page.getByRole('button', { name: 'Approve', exact: true });
    await approve.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'pending-approval.png') });
    // Nothing has changed before a person decides.
    expect((await json<{ status: string }>(`/api/assets/${asset.id}`)).status).toBe('approved');
    await approve.click();
    await page.getByText('Approved and done').waitFor({ timeout: 30_000 });
    expect(await approve.count()).toBe(0);
    expect((await json<{ status: string }>(`/api/assets/${asset.id}`)).status).toBe('archived');
    await page.screenshot({ path: path.join(shots, 'approved.png') });

    // Run once: the same approval again is refused, and the history shows one change.
    const conversationId = /#c=([a-z0-9-]+)/.exec(page.url())![1]!;
    const pending = await page.evaluate(async (conv) => {
      const r = await fetch(`/api/conversations/${conv}`);
      return (await r.json()) as {
        messages: { parts: { type: string; output?: { view?: { action?: { id: string } } } }[] }[];
      };
    }, conversationId);
    const actionId = pending.messages.flatMap((m) => m.parts).find((p) => p.output?.view?.action)
      ?.output?.view?.action?.id;
    expect(actionId).toBeTruthy();
    const again = await page.evaluate(
      async ({ id, conv }) =>
        (
          await fetch(`/api/chat/actions/${id}/approve`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ conversationId: conv }),
          })
        ).status,
      { id: actionId!, conv: conversationId },
    );
    expect(again).toBe(409);
    // That refusal was asked for; anything after it is a problem again.
    expect(problems.every((p) => /409/.test(p))).toBe(true);
    problems.length = 0;

    await page.reload();
    await page.getByText('Approved and done').waitFor({ timeout: 20_000 });
    const current = page.locator('.conversations button[aria-current="page"]');
    await expect(current.textContent()).resolves.toContain(`archive ${asset.id}`);
    await page.screenshot({ path: path.join(shots, 'after-reload.png') });

    // And from a fresh page, the sidebar finds it.
    const other = await openPage();
    await other.page.getByRole('button', { name: new RegExp(`archive ${asset.id}`) }).click();
    await other.page.getByText('Approved and done').waitFor({ timeout: 20_000 });
    await other.page.close();
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  it('takes a dropped image and finds the asset it was made from first', async () => {
    const { items } = await json<{ items: { id: string; title: string }[] }>(
      '/api/assets?campaign=summer-sale&limit=1',
    );
    const asset = items[0]!;
    const original = Buffer.from(
      await (await fetch(`${base}/files/assets/${asset.id}/original`)).arrayBuffer(),
    );
    const copy = await sharp(original).resize(360).jpeg({ quality: 80 }).toBuffer();
    const { page, problems } = await openPage();
    // A real drop: a File in a DataTransfer, dropped on the chat.
    await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'from-the-agency.jpg', { type: 'image/jpeg' }));
      const target = document.querySelector('.chat')!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
    }, copy.toString('base64'));
    await page.locator('.attachment img').waitFor({ timeout: 15_000 });
    await say(page, 'find similar assets');
    await page.locator('.grid .card').first().waitFor({ timeout: 30_000 });
    await expect(page.locator('.grid .card').first().getAttribute('data-asset-id')).resolves.toBe(
      asset.id,
    );
    await expect(page.locator('.msg.user img.sent-image').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(shots, 'similar-to-upload.png') });
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  it("proposes next week's budget with its reasons, and a person approves it in two clicks", async () => {
    const { page, problems } = await openPage(1280, 1000);
    await say(page, "where should next week's budget go, and why?");
    const proposal = page.locator('.proposal-view').first();
    await proposal.waitFor({ timeout: 60_000 });
    await expect(proposal.locator('.status').textContent()).resolves.toBe('proposed');
    // The reasons are on the card: the method, the drivers and the risks, with intervals.
    const fields = await proposal.locator('dt').allTextContents();
    for (const f of ['Method', 'Expected impact', 'Drivers', 'Risks']) expect(fields).toContain(f);
    expect(await proposal.locator('tbody tr').count()).toBeGreaterThan(3);
    await expect(proposal.locator('.interval').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, 'budget-proposal.png') });
    // Approve… asks for the confirmation every decision needs; Approve records it.
    await proposal.getByRole('button', { name: 'Approve…' }).click();
    const confirm = page.getByRole('button', { name: 'Approve', exact: true });
    await confirm.waitFor({ timeout: 30_000 });
    await confirm.click();
    await page.getByText('Approved and done').waitFor({ timeout: 30_000 });
    // The proposal's own card now says so (it reads its status again), and offers the CSV.
    await proposal.locator('.status', { hasText: 'approved' }).waitFor({ timeout: 10_000 });
    await expect(proposal.locator('.status').textContent()).resolves.toBe('approved');
    const csv = proposal.getByRole('link', { name: /CSV/ });
    const href = await csv.getAttribute('href');
    const res = await page.evaluate(async (h) => {
      const r = await fetch(h!);
      return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
    }, href);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/text\/csv/);
    expect(res.text.split('\n').length).toBeGreaterThan(3);
    await page.screenshot({ path: path.join(shots, 'budget-approved.png') });
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  it('shows a lost answer as a message, and Try again gets it', async () => {
    const { page } = await openPage();
    await page.route('**/api/chat', (route) => route.abort('connectionreset'));
    await say(page, 'which assets are approved');
    const retry = page.getByRole('button', { name: 'Try again' });
    await retry.waitFor({ timeout: 15_000 });
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(
      /interrupted|lost|server/i,
    );
    await page.screenshot({ path: path.join(shots, 'lost-stream.png') });
    await page.unroute('**/api/chat');
    await retry.click();
    await page.locator('.grid .card').first().waitFor({ timeout: 30_000 });
    expect(await retry.count()).toBe(0);
    await page.close();
  });

  it('is usable from the keyboard alone', async () => {
    const { page } = await openPage();
    // The message box has focus on arrival; a suggestion is reachable with Tab and Enter.
    await expect(
      page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
    ).resolves.toBe('Message');
    await page.keyboard.type('how many drafts are there');
    await page.keyboard.press('Enter');
    await page.locator('.msg.assistant .answered-by').first().waitFor({ timeout: 30_000 });
    // Tab walks the page: the sidebar, the answer's own buttons, the composer.
    const reached = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      reached.add(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
        }),
      );
    }
    for (const name of ['New chat', 'Attach an image', 'Message']) expect(reached).toContain(name);
    // Focus is visible where it lands.
    await page.getByRole('button', { name: 'New chat' }).focus();
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe('none');
    await page.close();
  });
});

describe('a shared server in Chromium (WEB_AUTH_TOKEN)', () => {
  const TOKEN = 'shared-token-0123456789abcdef';
  let shared: Served | undefined;
  beforeAll(async () => {
    shared = await serve({ WEB_AUTH_TOKEN: TOKEN }, false);
  }, 60_000);
  afterAll(() => stop(shared));

  it('asks who you are, refuses a wrong token in words, and signs out back to the form', async () => {
    const { page, problems } = await openPage(1280, 900, shared!.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Access token').fill('not-the-token-at-all');
    await page.getByLabel('Your name').fill('maria');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not a token/);
    await page.getByLabel('Access token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await expect(page.locator('.sidebar-foot strong').textContent()).resolves.toBe('maria');
    await page.screenshot({ path: path.join(shots, 'signed-in.png') });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The refused sign-in was the only error; the rest of the visit was clean.
    expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
    await page.close();
  });

  it('folds the conversation list behind a menu on a phone, closed by a tap outside or Esc', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${shared!.url}/`);
    await page.getByLabel('Access token').fill(TOKEN);
    await page.getByLabel('Your name').fill('jo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    // Folded, the list is out of reach: off screen, and inert for Tab and screen readers.
    await expect(page.locator('aside[inert]').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Conversations' }).click();
    await expect(page.locator('aside[inert]').count()).resolves.toBe(0);
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(shots, 'phone-menu.png') });
    await page.getByRole('button', { name: 'Close the conversation list' }).click({
      position: { x: 370, y: 400 },
    });
    await expect(page.locator('aside[inert]').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page.keyboard.press('Escape');
    await expect(page.locator('aside[inert]').count()).resolves.toBe(1);
    await page.close();
  });
});
