/**
 * Headroom: Import OpenStack Site — a Site document from two files the OpenStack CLI writes
 * (`openstack hypervisor list --long -f json`, `openstack flavor list --long -f json`; the engine's
 * openstack-import.ts). Each file is read and checked as soon as it is chosen, so a bad one fails
 * at its own prompt, with the reason; the site opens in a new, unsaved editor.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { importOpenStackTexts, parseInventoryJson } from '../../../engine/capacity/openstack-import';
import { lintSiteText } from '../../../engine/lint/lint';
import type { Session } from '../session';
import { askSiteName, importFailure, pickJsonFile, requireTrust, showImported } from './prompts';

interface InventoryFile { file: string; text: string }

/** A file's text, checked to be a hypervisor or flavor list; throws with the reason. */
async function readInventory(u: vscode.Uri, key: 'hypervisors' | 'flavors'): Promise<InventoryFile> {
  const file = path.basename(u.fsPath);
  let text: string;
  try {
    text = Buffer.from(await vscode.workspace.fs.readFile(u)).toString('utf8');
  } catch (e) {
    throw new Error(`${file} cannot be read (${(e as Error).message})`);
  }
  const json = parseInventoryJson(text, file);
  const command = key === 'hypervisors' ? 'hypervisor' : 'flavor';
  if (!Array.isArray(json) && !(json && typeof json === 'object' && Array.isArray((json as Record<string, unknown>)[key]))) throw new Error(`${file} is not ${key === 'hypervisors' ? 'a hypervisor list' : 'a flavor list'} (a JSON list from \`openstack ${command} list --long -f json\`, or an object with "${key}")`);
  return { file, text };
}

export function importOpenStackCommand(session: Session): vscode.Disposable {
  return vscode.commands.registerCommand('headroom.importOpenStack', async (hypervisors?: vscode.Uri, flavors?: vscode.Uri, name?: string) => {
    if (!requireTrust()) return undefined;
    const fail = importFailure(session.out, 'import');
    let hyp: InventoryFile;
    let fla: InventoryFile;
    try {
      const h = hypervisors ?? (await pickJsonFile('Choose the hypervisor list (openstack hypervisor list --long -f json)'));
      if (!h) return undefined;
      hyp = await readInventory(h, 'hypervisors');
      const f = flavors ?? (await pickJsonFile('Choose the flavor list (openstack flavor list --long -f json)'));
      if (!f) return undefined;
      fla = await readInventory(f, 'flavors');
    } catch (e) {
      return fail((e as Error).message);
    }
    const siteName = name ?? (await askSiteName());
    if (!siteName) return undefined;
    try {
      const r = importOpenStackTexts(hyp, fla, { name: siteName, check: lintSiteText });
      await showImported(session.out, 'import', r, `imported ${r.hosts} host(s) in ${r.aggregates} aggregate(s) as site ${siteName}${r.skipped ? `; ${r.skipped} not up and left out` : ''}`);
      return r.yaml;
    } catch (e) {
      return fail((e as Error).message);
    }
  });
}
