// Masking of identity-document numbers for display. An ID number is personal data: screens show
// it masked (first 6, last 4) unless a proctor must see it whole (DOMAIN.md). Pure, so it is
// unit-tested without a browser.

const MASK = "*";
const KEEP_HEAD = 6;
const KEEP_TAIL = 4;

/**
 * Masks an identity-document number for display: keeps the first 6 and last 4 characters and
 * replaces every one between with `*` (an 18-character resident ID shows 8 stars).
 *
 * Surrounding whitespace is dropped. Numbers too short to hide anything between head and tail
 * (10 characters or fewer) keep only the last 4, and 4 or fewer are masked whole, so the masked
 * form never reveals the whole number. Counts Unicode code points, not UTF-16 units.
 */
export function maskIdNumber(s: string): string {
  const chars = Array.from(s.trim());
  const n = chars.length;
  if (n <= KEEP_TAIL) {
    return MASK.repeat(n);
  }
  if (n <= KEEP_HEAD + KEEP_TAIL) {
    return MASK.repeat(n - KEEP_TAIL) + chars.slice(n - KEEP_TAIL).join("");
  }
  return (
    chars.slice(0, KEEP_HEAD).join("") +
    MASK.repeat(n - KEEP_HEAD - KEEP_TAIL) +
    chars.slice(n - KEEP_TAIL).join("")
  );
}
