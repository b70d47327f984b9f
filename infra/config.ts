import type { Node } from 'constructs';
import type { HappyTalkArchiveProps } from './props.js';
import { SETTINGS, type Setting } from './settings/table.js';

/**
 * The CDK context keys the stack reads (`cdk synth -c key=value`, or `context`
 * in cdk.json), one per {@link HappyTalkArchiveProps} property, from the
 * settings table (infra/settings/table.ts): the prop's name, except durations,
 * given in seconds (`…Seconds`) or minutes (`…Minutes`), and
 * `logRetentionDays`. docs/architecture.md documents each one.
 */
export const CONTEXT_KEYS: readonly string[] = Object.values(SETTINGS).map((setting) => setting.context);

/**
 * Reads the archive's settings from CDK context, each key by its row of the
 * settings table. Values from `-c` arrive as strings, values from cdk.json
 * keep their JSON type; both are parsed, and an empty string counts as unset.
 * Ranges are checked by the construct.
 *
 * @throws ArchiveConfigError naming the key and the value received
 */
export function readArchiveContext(node: Node): HappyTalkArchiveProps {
  const props: Record<string, unknown> = {};
  for (const [prop, setting] of Object.entries(SETTINGS) as [string, Setting<unknown, unknown>][]) {
    const value = setting.fromContext(node.tryGetContext(setting.context), setting.context);
    if (value !== undefined) props[prop] = value;
  }
  return props as HappyTalkArchiveProps;
}

/** `base` overridden by every property `override` defines (an `undefined` property does not override). */
export function mergeArchiveProps(
  base: HappyTalkArchiveProps,
  override: HappyTalkArchiveProps,
): HappyTalkArchiveProps {
  return { ...definedOnly(base), ...definedOnly(override) };
}

function definedOnly(props: HappyTalkArchiveProps): HappyTalkArchiveProps {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}
