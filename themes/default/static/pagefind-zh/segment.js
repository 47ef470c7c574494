// Reads a search query as the words a Pagefind index holds, using the index as its dictionary.
//
// Pagefind's extended build cuts Chinese into words with jieba when it indexes, and a query word
// matches an index word only from its start. A query cut any other way finds nothing where the
// cuts disagree: the index holds 特困|干警|补贴, and Chromium's Intl.Segmenter cuts the query
// 特困干警补贴 into 特|困|干|警|补贴, where 困 and 警 begin no index word. Here every run of Han
// characters is cut into pieces that each begin an index word and that all occur together on at
// least one page (a "cover" of the run); other text is cut where Pagefind's indexer cuts it
// (138.29 → 138 29).
//
// jieba weighs context, so the same text is cut differently on different pages (监护人|责任|保险
// on one, 监护|人|责任|保险 on another), and one reading cannot find them all. A query is read
//  - loosely: the covers with the fewest single characters (a single character begins many words,
//    a longer piece is a word of the index or begins one), each page holding every piece somewhere;
//  - literally, when it is one word (no spaces): the other covers made of whole index words, as
//    Pagefind phrases (quoted: the words side by side), which only pages holding the text match.
//
// segmentQuery(query, lookup) → Promise<string[]>: the readings, best first, as Pagefind queries.
// lookup(term, exact) → Promise<Set<string>>: ids of the pages holding a word that begins with
// `term` (exact: that equals `term`). Where no index word begins with `term`, Pagefind's prefix
// search answers with the pages of an index word that `term` begins with; validPiece spots those.

const MAX_WORD = 8;         // longest piece tried, in characters; jieba's words are shorter
const SEARCH_BUDGET = 4000; // steps spent looking for the covers of one run of Han characters
const MAX_LOOSE = 4;        // loose readings of a query
const MAX_PHRASES = 4;      // literal readings of a query
const HAN = /\p{Script=Han}+/gu;
const OTHER_WORD = /[\p{L}\p{N}]+/gu;

function sameSet(a, b) {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}

function intersect(a, b) {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Set();
  for (const item of a) if (b.has(item)) out.add(item);
  return out;
}

// {pages, exact} for `chars` (an array of characters): the pages on which it begins an index word
// and those on which it is one; null when no index word begins with it.
export async function validPiece(chars, lookup) {
  const term = chars.join("");
  const pages = await lookup(term, false);
  if (pages.size === 0) return null;
  const exact = await lookup(term, true);
  if (chars.length > 1 && exact.size === 0) {
    for (let length = chars.length - 1; length >= 1; length--) {
      const shorter = await lookup(chars.slice(0, length).join(""), true);
      if (shorter.size > 0 && sameSet(shorter, pages)) return null; // Pagefind's answer for a shorter word
    }
  }
  return { pages, exact };
}

// For each start position, the pieces that begin there: [{length, pages, exact}], longest first.
// A character that begins no index word is a piece of its own with pages null: Pagefind ignores
// query words it does not know, so it must not narrow the pages here either.
async function piecesOf(chars, lookup) {
  return Promise.all(chars.map(async (_, start) => {
    const pieces = [];
    for (let length = 1; length <= MAX_WORD && start + length <= chars.length; length++) {
      const found = await validPiece(chars.slice(start, start + length), lookup);
      if (found === null) {
        if (length === 1) pieces.push({ length: 1, pages: null, exact: null });
        break; // no index word begins with a longer piece either
      }
      pieces.push({ length, ...found });
    }
    return pieces.reverse();
  }));
}

// Covers of a run, as {lengths, singles}: `pagesOf(piece)` gives a piece's pages (null: any page,
// undefined: the piece may not be used); the pages of a cover's pieces must intersect. With
// `fewestSingles`, only the covers with the fewest single characters are kept.
function covers(starts, pagesOf, fewestSingles) {
  const found = [];
  let bound = Infinity;
  let budget = SEARCH_BUDGET;
  const walk = (position, lengths, singles, pages) => {
    if (budget-- <= 0 || singles > bound) return;
    if (pages !== null && pages.size === 0) return;
    if (position === starts.length) {
      if (fewestSingles && singles < bound) [found.length, bound] = [0, singles];
      found.push({ lengths: lengths.slice(), singles, size: pages === null ? Infinity : pages.size });
      return;
    }
    for (const piece of starts[position]) {
      const piecePages = pagesOf(piece);
      if (piecePages === undefined) continue;
      lengths.push(piece.length);
      walk(position + piece.length, lengths, singles + (piece.length === 1 ? 1 : 0), intersect(pages, piecePages));
      lengths.pop();
    }
  };
  walk(0, [], 0, null);
  return found.sort((a, b) => a.singles - b.singles || a.lengths.length - b.lengths.length || b.size - a.size);
}

function cut(chars, lengths) {
  const pieces = [];
  let position = 0;
  for (const length of lengths) {
    pieces.push(chars.slice(position, position + length).join(""));
    position += length;
  }
  return pieces;
}

// Every choice of one alternative (a list of terms) from each part, in order, at most `limit`.
function choices(parts, limit) {
  let out = [[]];
  for (const alternatives of parts) {
    out = out.flatMap((terms) => alternatives.map((more) => terms.concat(more))).slice(0, limit);
  }
  return out.filter((terms) => terms.length);
}

export async function segmentQuery(query, lookup) {
  const quoted = /^\s*".+"\s*$/.test(query);
  const words = (quoted ? query.trim().slice(1, -1) : query).split(/\s+/).filter(Boolean);
  const loose = [];   // per part: alternative term lists
  const literal = []; // the same, for the literal readings
  let runs = 0;
  const other = (chunk) => {
    const terms = chunk.match(OTHER_WORD);
    if (terms) {
      loose.push([terms]);
      literal.push([terms]);
    }
  };
  for (const word of words) {
    let last = 0;
    for (const match of word.matchAll(HAN)) {
      other(word.slice(last, match.index));
      const chars = Array.from(match[0]);
      runs += 1;
      const starts = await piecesOf(chars, lookup);
      const best = covers(starts, (piece) => piece.pages, true).slice(0, MAX_LOOSE);
      const taken = new Set(best.map((cover) => cover.lengths.join()));
      // Nothing occurs together anywhere: one character a piece, and Pagefind will find nothing.
      loose.push(best.length ? best.map((cover) => cut(chars, cover.lengths)) : [chars]);
      literal.push(covers(starts, (piece) => (piece.exact && piece.exact.size ? piece.exact : undefined), false)
        .filter((cover) => !taken.has(cover.lengths.join())).map((cover) => cut(chars, cover.lengths)));
      last = match.index + match[0].length;
    }
    other(word.slice(last));
  }
  const readings = choices(loose, MAX_LOOSE).map((terms) => terms.join(" "));
  if (quoted) return readings.map((reading) => `"${reading}"`);
  if (words.length === 1 && runs > 0) {
    readings.push(...choices(literal, MAX_PHRASES).map((terms) => `"${terms.join(" ")}"`));
  }
  return readings;
}
