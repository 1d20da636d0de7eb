/**
 * Headroom: Import Site from Placement — a Site document read from a live Placement API
 * (placement-import.ts), signed in with a Keystone token or with a cloud of clouds.yaml (Keystone
 * password or application credential; Placement found in the catalog: keystone-auth.ts). The URL
 * is remembered; a token lives only in VS Code's SecretStorage, per URL, and one Placement
 * refuses (HTTP 401) is forgotten. Cancellable while it reads.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { importPlacement, PlacementError } from '../../../engine/capacity/placement-import';
import { cloudNames, placementSource } from '../../../engine/capacity/keystone-auth';
import { lintSiteText } from '../../../engine/lint/lint';
import type { Session } from '../session';
import { askSiteName, httpUrlProblem, importFailure, pickJsonFile, requireTrust, showImported } from './prompts';

/** A cloud of clouds.yaml, undefined for a token, or null when the pick is dismissed; no prompt when there is no clouds.yaml. */
async function pickCloud(cwd: string): Promise<string | undefined | null> {
  const clouds = cloudNames(process.env, cwd);
  if (!clouds.length) return undefined;
  const pick = await vscode.window.showQuickPick([{ label: 'Keystone token…', description: 'a token and the Placement URL', cloud: undefined as string | undefined }, ...clouds.map((c) => ({ label: c, description: 'a cloud of clouds.yaml', cloud: c as string | undefined }))], { title: 'Sign in to OpenStack', placeHolder: 'a cloud of clouds.yaml signs in with Keystone and finds Placement in its catalog' });
  return pick ? pick.cloud : null;
}

/** The Placement URL (remembered) and its token (SecretStorage, asked for when there is none), or undefined when a prompt is dismissed. */
async function urlAndToken(ctx: vscode.ExtensionContext, givenUrl?: string, givenToken?: string): Promise<{ url: string; key: string; token: string } | undefined> {
  const url = givenUrl ?? (await vscode.window.showInputBox({ title: 'Placement API endpoint', prompt: 'The Placement endpoint (openstack endpoint list --service placement)', value: ctx.globalState.get<string>('headroom.placement.url') ?? 'https://', validateInput: httpUrlProblem }));
  if (!url) return undefined;
  await ctx.globalState.update('headroom.placement.url', url);
  const key = `headroom.placement.token:${url}`;
  if (givenToken) await ctx.secrets.store(key, givenToken);
  let token = await ctx.secrets.get(key);
  if (!token) {
    token = await vscode.window.showInputBox({ title: 'Keystone token for Placement', prompt: 'A token that may read resource providers (openstack token issue -f value -c id); kept in VS Code\'s secret storage', password: true, ignoreFocusOut: true });
    if (!token) return undefined;
    await ctx.secrets.store(key, token);
  }
  return { url, key, token };
}

export function importPlacementCommand(session: Session): vscode.Disposable {
  const { ctx } = session;
  return vscode.commands.registerCommand('headroom.importPlacement', async (givenUrl?: string, flavors?: vscode.Uri, name?: string, givenToken?: string, givenCloud?: string) => {
    if (!requireTrust()) return undefined;
    const fail = importFailure(session.out, 'import placement');
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    let cloud = givenCloud;
    if (!cloud && !givenUrl) {
      const picked = await pickCloud(cwd);
      if (picked === null) return undefined;
      cloud = picked;
    }
    const signIn = cloud ? undefined : await urlAndToken(ctx, givenUrl, givenToken);
    if (!cloud && !signIn) return undefined;
    const f = flavors ?? (await pickJsonFile('Choose the flavor list (openstack flavor list --long -f json)'));
    if (!f) return undefined;
    let fla: { file: string; text: string };
    try {
      fla = { file: path.basename(f.fsPath), text: Buffer.from(await vscode.workspace.fs.readFile(f)).toString('utf8') };
    } catch (e) {
      return fail(`${path.basename(f.fsPath)} cannot be read (${(e as Error).message})`);
    }
    const siteName = name ?? (await askSiteName());
    if (!siteName) return undefined;
    const abort = new AbortController();
    try {
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Headroom: reading ${cloud ? `cloud ${cloud}` : signIn!.url}`, cancellable: true }, async (_p, cancel) => {
        cancel.onCancellationRequested(() => abort.abort());
        const src = cloud ? await placementSource({ cloud }, process.env, cwd, abort.signal) : { url: signIn!.url, token: signIn!.token, signal: abort.signal };
        if (!src) throw new PlacementError(`no Keystone credentials for cloud ${cloud}`);
        return importPlacement(src, fla, { name: siteName, check: lintSiteText });
      });
      await showImported(session.out, 'import placement', r, `imported ${r.hosts} compute node(s) in ${r.aggregates} aggregate(s) from Placement as site ${siteName} (${r.requests} requests)`);
      return r.yaml;
    } catch (e) {
      if (abort.signal.aborted) return undefined;
      if (signIn && e instanceof PlacementError && /HTTP 401/.test(e.message)) await ctx.secrets.delete(signIn.key);
      return fail((e as Error).message);
    }
  });
}
