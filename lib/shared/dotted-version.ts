/**
 * Orders versions of the form `1.2.3` (whole numbers separated by dots), such
 * as the redactor's: negative when `a` is older than `b`, positive when newer,
 * 0 when the same. A part that is not a whole number counts as 0, and a
 * missing part as 0 (`1.2` is `1.2.0`). Small enough for the Lambda bundles,
 * which do not load a semantic-versioning library.
 */
export function compareDottedVersions(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = partOf(left[index]) - partOf(right[index]);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

function partOf(part: string | undefined): number {
  return part !== undefined && /^\d{1,9}$/.test(part) ? Number(part) : 0;
}
