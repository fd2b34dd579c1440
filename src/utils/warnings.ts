// Python's warnings.warn with the default filter: each message once (mirrors the warnings module).

const warned = new Set<string>();

/** Emits a UserWarning once per distinct message (process.emitWarning on Node.js). */
export function warn(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  const proc = (globalThis as { process?: { emitWarning?: (m: string, t: string) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(message, 'UserWarning');
  else console.warn(`UserWarning: ${message}`);
}
