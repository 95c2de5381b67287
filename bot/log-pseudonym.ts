import { loadCoreConfig } from './config';
import { createPseudonymiser } from './pseudonym';

/**
 * `npm run --silent log:pseudonym -- <openid>…`: prints the pseudonym each id has in the log lines
 * (one per line, to grep for), with the LOG_PSEUDONYM_KEY of the environment.
 */
function main(): number {
  const ids = process.argv.slice(2).filter((arg) => arg !== '--');
  const { LOG_PSEUDONYM_KEY: key } = loadCoreConfig(process.env);
  if (!key) {
    process.stderr.write('LOG_PSEUDONYM_KEY is not set: the service then uses a random key per process, and its pseudonyms cannot be recomputed.\n');
    return 1;
  }
  if (ids.length === 0) {
    process.stderr.write('usage: npm run --silent log:pseudonym -- <openid or user id> [more ids]\n');
    return 2;
  }
  const pseudonym = createPseudonymiser(key);
  for (const id of ids) process.stdout.write(`${pseudonym(id)}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
