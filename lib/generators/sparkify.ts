// Deterministic generator of Sparkify-shaped sample data (song_data + log_data), reproducing the
// layout, field order, types and encoding quirks of the real Udacity sample (see
// ../shared/data/SOURCES.md): ASCII-only files with \u escapes and "\/", double-mojibake names in the
// logs, quoted userAgent values, logged-out events with empty userId and nulls, level changes,
// duplicate song records, pretty-printed song files, rare timestamp collisions. A planted signal
// for the upgrade model: each user's engagement (a hidden trait) raises, while free, both their
// share of NextSong and their chance of upgrading.
//
// Same options => byte-identical files. Only the seeded PRNG in ./random.ts is used.
// Events are generated and written one day at a time (compact typed arrays, chunked writes).

import { mkdir, open, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { asciiJsonNullable, asciiJsonString, doubleMojibake, flatAscii, pyFloat } from './ascii-json.ts';
import { Rng } from './random.ts';

export interface SparkifySampleOptions {
  /** writes outDir/song_data/A/B/C/TR....json and outDir/log_data/YYYY/MM/YYYY-MM-DD-events.json */
  outDir: string;
  /** total events over all days */
  events: number;
  /** distinct songs in the catalogue; default max(80, floor(events / 100)) capped at 20,000 */
  songs?: number;
  /** default 30 */
  days?: number;
  /** first day (UTC), default '2018-11-01' */
  startDate?: string;
  /** default 1; same options => byte-identical files */
  seed?: number;
}

export interface SparkifySampleSummary {
  /** song files written (distinct songs + duplicate records) */
  songFiles: number;
  /** day files written (days with at least one event) */
  logFiles: number;
  events: number;
  nextSongEvents: number;
  /** auth "Logged Out" events (userId "", null name/gender/location/registration/userAgent) */
  loggedOutEvents: number;
  /** distinct non-empty userIds in the logs */
  users: number;
  /** total bytes written (song files + log files) */
  bytes: number;
  /** distinct song_ids in the catalogue */
  songs: number;
  /** song files that repeat another file's song_id with identical content */
  duplicateSongFiles: number;
  /** NextSong events whose (song, artist, length) equal a catalogue song's (title, artist_name, duration) exactly */
  matchedNextSongEvents: number;
}

const DAY_MS = 86_400_000;
const MAX_DEFAULT_SONGS = 20_000;

// ---------------------------------------------------------------------------------------------
// word lists

const FEMALE_NAMES = [
  'Kaylee', 'Lily', 'Jacqueline', 'Tegan', 'Chloe', 'Sara', 'Ava', 'Layla', 'Aleena', 'Kate', 'Rylan',
  'Jayden', 'Isabella', 'Mohammad', 'Anabelle', 'Madison', 'Brooklyn', 'Jordyn', 'Celeste', 'Sienna',
  'Morgan', 'Emily', 'Harper', 'Hannah', 'Avery', 'Stella', 'Aubrey', 'Claire', 'Naomi', 'Ruby',
  'Elena', 'Piper', 'Alexa', 'Molly', 'Paisley', 'Vivian', 'Nora', 'Lucy', 'Zoe', 'Grace',
];
const MALE_NAMES = [
  'Walter', 'Ryan', 'Sylvie', 'Jizelle', 'Connar', 'Wyatt', 'Cienna', 'Kevin', 'Adler', 'Theodore',
  'Aiden', 'Lucas', 'Mason', 'Ethan', 'Logan', 'Elijah', 'Carter', 'Jaxon', 'Dominic', 'Evan', 'Gavin',
  'Tucker', 'Hunter', 'Colin', 'Spencer', 'Brayden', 'Micah', 'Rowan', 'Oliver', 'Samuel', 'Isaac',
  'Caleb', 'Nathan', 'Owen', 'Dylan', 'Landon', 'Austin', 'Zachary', 'Blake', 'Tristan',
];
const LAST_NAMES = [
  'Frye', 'Summers', 'Koch', 'Levine', 'Smith', 'Cuevas', 'Williams', 'Roberts', 'Fuller', 'Harrell',
  'Johnson', 'Garrison', 'Clarke', 'Wade', 'Martin', 'Lopez', 'Moreno', 'Sanchez', 'Hill', 'Parker',
  'Cruz', 'Ellis', 'Gonzalez', 'Stewart', 'Reed', 'Morris', 'Rogers', 'Cook', 'Bell', 'Murphy',
  'Bailey', 'Rivera', 'Cooper', 'Richardson', 'Cox', 'Howard', 'Ward', 'Torres', 'Peterson', 'Gray',
  'Ramirez', 'James', 'Watson', 'Brooks', 'Kelly', 'Sanders', 'Price', 'Bennett', 'Wood', 'Barnes',
  'Ross', 'Henderson', 'Coleman', 'Jenkins', 'Perry', 'Powell', 'Long', 'Patterson', 'Hughes', 'Flores',
  'Washington', 'Butler', 'Simmons', 'Foster', 'Bryant', 'Alexander', 'Russell', 'Griffin', 'Diaz', 'Hayes',
];
const USER_LOCATIONS = [
  'San Francisco-Oakland-Hayward, CA', 'Phoenix-Mesa-Scottsdale, AZ', 'Washington-Arlington-Alexandria, DC-VA-MD-WV',
  'San Jose-Sunnyvale-Santa Clara, CA', 'New Orleans-Metairie, LA', 'Lubbock, TX', 'Harrisburg-Carlisle, PA',
  'Salinas, CA', 'Atlanta-Sandy Springs-Roswell, GA', 'Chicago-Naperville-Elgin, IL-IN-WI',
  'New York-Newark-Jersey City, NY-NJ-PA', 'Los Angeles-Long Beach-Anaheim, CA', 'Houston-The Woodlands-Sugar Land, TX',
  'Dallas-Fort Worth-Arlington, TX', 'Miami-Fort Lauderdale-West Palm Beach, FL', 'Boston-Cambridge-Newton, MA-NH',
  'Seattle-Tacoma-Bellevue, WA', 'Denver-Aurora-Lakewood, CO', 'Portland-Vancouver-Hillsboro, OR-WA',
  'Detroit-Warren-Dearborn, MI', 'Minneapolis-St. Paul-Bloomington, MN-WI', 'Tampa-St. Petersburg-Clearwater, FL',
  'St. Louis, MO-IL', 'Baltimore-Columbia-Towson, MD', 'Charlotte-Concord-Gastonia, NC-SC', 'Pittsburgh, PA',
  'Sacramento--Roseville--Arden-Arcade, CA', 'Orlando-Kissimmee-Sanford, FL', 'Cincinnati, OH-KY-IN',
  'Kansas City, MO-KS', 'Columbus, OH', 'Indianapolis-Carmel-Anderson, IN', 'Austin-Round Rock, TX',
  'Nashville-Davidson--Murfreesboro--Franklin, TN', 'Virginia Beach-Norfolk-Newport News, VA-NC',
  'Providence-Warwick, RI-MA', 'Milwaukee-Waukesha-West Allis, WI', 'Jacksonville, FL', 'Memphis, TN-MS-AR',
  'Oklahoma City, OK', 'Louisville/Jefferson County, KY-IN', 'Richmond, VA', 'Raleigh, NC', 'Birmingham-Hoover, AL',
  'Salt Lake City, UT', 'Buffalo-Cheektowaga-Niagara Falls, NY', 'Tucson, AZ', 'Fresno, CA', 'Tulsa, OK',
  'Omaha-Council Bluffs, NE-IA', 'Albany-Schenectady-Troy, NY', 'Bakersfield, CA', 'Red Bluff, CA',
  'Marinette, WI-MI', 'Elkhart-Goshen, IN', 'Janesville-Beloit, WI', 'Winston-Salem, NC', 'Tampa-St. Petersburg-Clearwater, FL',
];
// As in the real logs, a userAgent carries literal surrounding double quotes exactly when it contains a
// comma (a CSV-quoting artifact of the source): "\"Mozilla\/5.0 (...KHTML, like Gecko...)\"" but
// "Mozilla\/5.0 (...) Gecko\/20100101 Firefox\/31.0".
const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/35.0.1916.153 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.77.4 (KHTML, like Gecko) Version/7.0.5 Safari/537.77.4',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/36.0.1985.125 Chrome/36.0.1985.125 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53',
  'Mozilla/5.0 (iPad; CPU OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53',
  'Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; WOW64; Trident/6.0)',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/37.0.2062.94 Safari/537.36',
  'Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:32.0) Gecko/20100101 Firefox/32.0',
  'Mozilla/5.0 (Windows NT 5.1; rv:31.0) Gecko/20100101 Firefox/31.0',
];
const quoteUserAgent = (ua: string): string => (ua.includes(',') ? `"${ua}"` : ua);
// [location, latitude, longitude]; null coordinates for places the source data has no geocode for
const ARTIST_PLACES: readonly (readonly [string, number | null, number | null])[] = [
  ['Memphis, TN', 35.14968, -90.04892], ['London, England', 51.50632, -0.12714], ['New York, NY', 40.71455, -74.00712],
  ['Chicago', 41.88415, -87.63241], ['Toronto, Ontario, Canada', 43.64856, -79.38533], ['California - LA', null, null],
  ['Los Angeles, CA', 34.05349, -118.24532], ['California - SF', 37.77916, -122.42005], ['Seattle, WA', 47.60356, -122.32944],
  ['Houston, TX', null, null], ['Orlando, FL', 28.53823, -81.37739], ['Newark, NJ', 40.73197, -74.17418],
  ['Georgia', 32.67828, -83.22295], ['Utah', 39.49974, -111.54732], ['Pennsylvania', 40.99471, -77.60454],
  ['Washington', 38.8991, -77.029], ['United States', 37.16793, -95.84502], ['Queens, NY', 40.7038, -73.83168],
  ['Dubai UAE', 49.80388, 15.47491], ['Beaumont, TX', 30.08615, -94.10158], ['Ohio', null, null],
  ['Detroit, MI', 42.33168, -83.04792], ['Nashville, TN', 36.16778, -86.77836], ['Atlanta, GA', 33.74831, -84.39111],
  ['Paris, France', 48.85692, 2.34121], ['Berlin, Germany', 52.51607, 13.37698], ['Stockholm, Sweden', 59.33217, 18.06243],
  ['Reykjavik, Iceland', 64.13548, -21.89541], ['Tokyo, Japan', 35.68953, 139.69171], ['Moscow, Russia', 55.75696, 37.61502],
  ['Mexico City, Mexico', 19.43197, -99.13320], ['Havana, Cuba', 23.13533, -82.35853], ['Sao Paulo, Brazil', -23.56287, -46.65468],
  ['Sydney, Australia', -33.86963, 151.20695], ['Dublin, Ireland', 53.34376, -6.24953], ['Glasgow, Scotland', 55.85776, -4.24251],
  ['New York, NY [Spanish Harlem]', 40.79195, -73.94512], ['Burlington, Ontario, Canada', null, null],
  ['Wisner, LA', null, null], ['Morris Plains, NJ', 40.82624, -74.47995], ['Brandon', 27.94017, -82.32547],
  ['Mineola, AR', 34.31109, -94.02978], ['Nevada, MO', 37.83721, -94.35868], ['Seattle, Washington USA', null, null],
];
const ADJECTIVES = [
  'Black', 'Blue', 'Broken', 'Burning', 'Crimson', 'Dark', 'Electric', 'Empty', 'Endless', 'Faded', 'Golden',
  'Green', 'Hollow', 'Last', 'Little', 'Lonely', 'Lost', 'Midnight', 'Neon', 'Northern', 'Paper', 'Purple',
  'Quiet', 'Red', 'Restless', 'Rolling', 'Secret', 'Silent', 'Silver', 'Sweet', 'Wild', 'Young', 'Velvet',
  'Stone', 'Cosmic', 'Distant', 'Frozen', 'Holy', 'Strange', 'Wicked',
];
const NOUNS = [
  'Angels', 'Birds', 'Boys', 'Brothers', 'Children', 'Dogs', 'Dreams', 'Echoes', 'Flowers', 'Ghosts',
  'Hearts', 'Horses', 'Kings', 'Lights', 'Lovers', 'Machines', 'Monkeys', 'Mountains', 'Rivers', 'Saints',
  'Shadows', 'Sisters', 'Stars', 'Strangers', 'Tigers', 'Waves', 'Wolves', 'Riders', 'Pilots', 'Giants',
  'Sparrows', 'Prophets', 'Thieves', 'Owls', 'Cowboys', 'Rebels', 'Orchestra', 'Collective', 'Project', 'Band',
];
const TITLE_WORDS = [
  'Love', 'Heart', 'Night', 'Day', 'Rain', 'Fire', 'Time', 'Home', 'Dream', 'Road', 'River', 'Sky', 'Sun',
  'Moon', 'Light', 'Dance', 'Blues', 'Soul', 'Baby', 'Girl', 'Boy', 'World', 'Life', 'Tonight', 'Forever',
  'Never', 'Again', 'Alone', 'Together', 'Goodbye', 'Hello', 'Summer', 'Winter', 'Highway', 'Train', 'Angel',
  'Devil', 'Heaven', 'Paradise', 'Ocean', 'Mountain', 'City', 'Street', 'Window', 'Mirror', 'Shadow', 'Echo',
  'Silence', 'Thunder', 'Lightning', 'Storm', 'Wind', 'Fever', 'Honey', 'Sugar', 'Whiskey', 'Diamond', 'Gold',
  'Silver', 'Stone', 'Wild', 'Sweet', 'Blue', 'Black', 'Red', 'Broken', 'Lonely', 'Crazy', 'Little', 'Big',
  'Old', 'New', 'Last', 'First', 'Lost', 'Found', 'Running', 'Falling', 'Burning', 'Waiting', 'Dancing', 'Calling',
  'Me', 'You', 'Us', 'Them', 'My', 'Your', 'The', 'A', 'In', 'On', 'Of', 'For', 'With', 'Without', 'Under', 'Over',
  "Don't", "Can't", "I'm", "It's", "Ain't", 'Yesterday', 'Tomorrow', 'Morning', 'Evening', 'Memories', 'Secrets',
];
const TITLE_SUFFIXES = [
  '(Album Version)', '(LP Version)', '(Live)', '(Remix)', '(Instrumental Version)', '(Skit)', '(Radio Edit)',
  '(2005 Digital Remaster)', '[Live At Royal Albert Hall]', '(Acoustic)', '(Extended Mix)', '(Demo)',
];
// famous non-ASCII artist names and titles (written as \u escapes in the files)
const NON_ASCII_ARTISTS = [
  'Bj\u00f6rk', 'Sigur R\u00f3s', 'M\u00f6tley Cr\u00fce', 'Beyonc\u00e9', 'Caf\u00e9 Tacvba', 'R\u00f6yksopp', 'Mot\u00f6rhead',
  'Queensr\u00ffche', 'Man\u00e1', 'C\u00e9line Dion', 'Fran\u00e7oise Hardy', 'Joaqu\u00edn Sabina', '\u00d3lafur Arnalds',
  '\u5742\u672c\u9f8d\u4e00', '\u5b87\u591a\u7530\u30d2\u30ab\u30eb', '\u041a\u0438\u043d\u043e', '\u0417\u0435\u043c\u0444\u0438\u0440\u0430',
  'Alizée', 'Charly García', 'Blue Öyster Cult',
];
const NON_ASCII_TITLES = [
  'J\u00f3ga', 'Hopp\u00edpolla', '\u00bfD\u00f3nde va Chichi?', '\u00dcber den Wolken', 'Cr\u00e8me de la cr\u00e8me',
  'Ni\u00f1o', 'D\u00e9j\u00e0 vu', 'Se\u00f1orita', '\u0417\u0432\u0435\u0437\u0434\u0430 \u043f\u043e \u0438\u043c\u0435\u043d\u0438 \u0421\u043e\u043b\u043d\u0446\u0435',
  '\u0413\u0440\u0443\u043f\u043f\u0430 \u043a\u0440\u043e\u0432\u0438', '\u685c\u574a', 'First Love (\u30d5\u30a1\u30fc\u30b9\u30c8\u30e9\u30d6)',
  'Caf\u00e9 con le\u00e7he', 'S\u0153ur', 'No Hay Nadie Como T\u00fa', 'Moonlight \ud83c\udf19', 'Repr\u00e9sente',
];
const ACCENTED_SYLLABLES = ['r\u00e9', 'l\u00e1', 'n\u00f6', 'm\u00fc', 's\u00f8', '\u00e7a', 'ni\u00f1', 't\u00e8', 'v\u00ed', 'g\u00e5', 'b\u00f3', 'z\u00ea'];
const PLAIN_SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'ne', 'to', 'sa', 'vi', 'do', 'ri', 'an', 'el', 'mar', 'tin', 'bel', 'son'];

// ---------------------------------------------------------------------------------------------
// pages

interface PageDef {
  name: string;
  method: 'GET' | 'PUT';
  status: number;
}
const PAGES: readonly PageDef[] = [
  { name: 'NextSong', method: 'PUT', status: 200 }, // 0
  { name: 'Home', method: 'GET', status: 200 }, // 1
  { name: 'Thumbs Up', method: 'PUT', status: 307 }, // 2
  { name: 'Add to Playlist', method: 'PUT', status: 200 }, // 3
  { name: 'Add Friend', method: 'PUT', status: 307 }, // 4
  { name: 'Thumbs Down', method: 'PUT', status: 307 }, // 5
  { name: 'Roll Advert', method: 'GET', status: 200 }, // 6
  { name: 'Logout', method: 'PUT', status: 307 }, // 7
  { name: 'Login', method: 'PUT', status: 307 }, // 8
  { name: 'Settings', method: 'GET', status: 200 }, // 9
  { name: 'Save Settings', method: 'PUT', status: 307 }, // 10
  { name: 'Help', method: 'GET', status: 200 }, // 11
  { name: 'About', method: 'GET', status: 200 }, // 12
  { name: 'Upgrade', method: 'GET', status: 200 }, // 13
  { name: 'Submit Upgrade', method: 'PUT', status: 307 }, // 14
  { name: 'Downgrade', method: 'GET', status: 200 }, // 15
  { name: 'Submit Downgrade', method: 'PUT', status: 307 }, // 16
  { name: 'Error', method: 'GET', status: 404 }, // 17
];
const P = {
  NextSong: 0, Home: 1, ThumbsUp: 2, AddToPlaylist: 3, AddFriend: 4, ThumbsDown: 5, RollAdvert: 6, Logout: 7,
  Login: 8, Settings: 9, SaveSettings: 10, Help: 11, About: 12, Upgrade: 13, SubmitUpgrade: 14, Downgrade: 15,
  SubmitDowngrade: 16, Error: 17,
} as const;
// per-mille weights of logged-in pages by level
const COMMON_WEIGHTS: readonly (readonly [number, number])[] = [
  [P.NextSong, 830], [P.Home, 18], [P.ThumbsUp, 40], [P.AddToPlaylist, 22], [P.AddFriend, 14], [P.ThumbsDown, 8],
  [P.Logout, 11], [P.Settings, 6], [P.Help, 4], [P.About, 3], [P.SaveSettings, 1], [P.Error, 1],
];
const FREE_WEIGHTS: readonly (readonly [number, number])[] = [...COMMON_WEIGHTS, [P.RollAdvert, 22], [P.Upgrade, 6], [P.SubmitUpgrade, 2]];
const PAID_WEIGHTS: readonly (readonly [number, number])[] = [...COMMON_WEIGHTS, [P.Downgrade, 7], [P.SubmitDowngrade, 0.6]];

function cumulative(weights: readonly (readonly [number, number])[]): { pages: Uint8Array; cum: Float64Array } {
  const pages = new Uint8Array(weights.length);
  const cum = new Float64Array(weights.length);
  let total = 0;
  weights.forEach(([page, w], i) => {
    total += w;
    pages[i] = page;
    cum[i] = total;
  });
  for (let i = 0; i < cum.length; i++) cum[i] = (cum[i] as number) / total;
  return { pages, cum };
}

/** How strongly engagement scales a free user's NextSong weight, and their upgrade pages' (log scale, per unit). */
const LISTENING_PER_ENGAGEMENT = 0.8;
const UPGRADING_PER_ENGAGEMENT = 1.5;

/**
 * A free user's page table for their engagement (a standard normal trait): the more engaged listen
 * more (a larger share of NextSong) and are more drawn to upgrade, the signal the upgrade model learns.
 */
function freeTableFor(engagement: number): { pages: Uint8Array; cum: Float64Array } {
  // lognormal factors of mean 1, so the sample's overall shares of plays and of upgrades stay about as they were;
  // the upgrade pages scale with the plays too, so listening more does not dilute them
  const listen = Math.exp(LISTENING_PER_ENGAGEMENT * engagement - LISTENING_PER_ENGAGEMENT ** 2 / 2);
  const upgrade = listen * Math.exp(UPGRADING_PER_ENGAGEMENT * engagement - UPGRADING_PER_ENGAGEMENT ** 2 / 2);
  return cumulative(
    FREE_WEIGHTS.map(([page, w]) => [page, page === P.NextSong ? w * listen : page === P.Upgrade || page === P.SubmitUpgrade ? w * upgrade : w] as const),
  );
}

const PAID_TABLE = cumulative(PAID_WEIGHTS);

function drawFrom(table: { pages: Uint8Array; cum: Float64Array }, u: number): number {
  const { pages, cum } = table;
  for (let i = 0; i < cum.length; i++) if (u < (cum[i] as number)) return pages[i] as number;
  return pages[pages.length - 1] as number;
}

// ---------------------------------------------------------------------------------------------
// catalogue

interface Place {
  location: string | null;
  lat: number | null;
  lon: number | null;
}
interface Artist {
  id: string;
  name: string;
  place: Place;
  nameVariant: string | null;
  placeVariant: Place | null;
}
interface Song {
  trackId: string;
  songId: string;
  artist: Artist;
  artistName: string;
  place: Place;
  title: string;
  duration: number;
  year: number;
  pretty: boolean;
}
/** A song as it may be played in the logs: JSON fragments ready for the event lines. */
interface PlayEntry {
  artistJson: string;
  songJson: string;
  lengthText: string;
  lengthMs: number;
  matches: boolean;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HEX = '0123456789ABCDEF';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** prefix + 16 characters shaped like Million Song Dataset ids (5 alphanumerics, then 11 hex digits). */
function msdId(rng: Rng, prefix: string, first5?: string): string {
  let s = prefix;
  if (first5 !== undefined) s += first5;
  else for (let i = 0; i < 5; i++) s += rng.chance(0.85) ? UPPER[rng.int(26)] : ALNUM[rng.int(36)];
  for (let i = 0; i < 11; i++) s += HEX[rng.int(16)];
  return s;
}

function uniqueId(used: Set<string>, make: () => string): string {
  for (;;) {
    const id = make();
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

function fiveDecimals(rng: Rng, value: number): number {
  let v = Math.round(value * 1e5) / 1e5;
  if (Number.isInteger(v)) v += 0.00001 * (1 + rng.int(9));
  return Math.round(v * 1e5) / 1e5;
}

function personName(rng: Rng): string {
  return `${rng.pick(rng.chance(0.5) ? FEMALE_NAMES : MALE_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

function accentedWord(rng: Rng): string {
  const n = 2 + rng.int(2);
  let w = '';
  for (let i = 0; i < n; i++) w += rng.chance(0.45) ? rng.pick(ACCENTED_SYLLABLES) : rng.pick(PLAIN_SYLLABLES);
  if (!/[^\x00-\x7f]/.test(w)) w += rng.pick(ACCENTED_SYLLABLES);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function artistName(rng: Rng, nonAscii: boolean): string {
  if (nonAscii) {
    if (rng.chance(0.5)) return rng.pick(NON_ASCII_ARTISTS);
    return rng.chance(0.5) ? `${accentedWord(rng)} ${accentedWord(rng)}` : `Los ${accentedWord(rng)}`;
  }
  const r = rng.float();
  if (r < 0.34) return personName(rng);
  if (r < 0.54) return `The ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  if (r < 0.68) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  if (r < 0.78) return rng.pick(NOUNS).replace(/s$/, '') + rng.pick(['', 'z', 'x', ' Inc.', ' 2000']);
  if (r < 0.84) return `${personName(rng)} & The ${rng.pick(NOUNS)}`;
  if (r < 0.88) return `DJ ${rng.pick(ADJECTIVES)}`;
  if (r < 0.92) return `${personName(rng)} featuring ${personName(rng)}`;
  if (r < 0.95) return `${personName(rng)}/${personName(rng)}`; // a "/" that the files write as "\/"
  if (r < 0.97) return personName(rng).toUpperCase();
  return `${rng.pick(ADJECTIVES).toLowerCase()}${rng.pick(NOUNS).toLowerCase()}`;
}

function songTitle(rng: Rng, nonAscii: boolean): string {
  if (nonAscii) return rng.chance(0.6) ? rng.pick(NON_ASCII_TITLES) : `${accentedWord(rng)} ${rng.pick(TITLE_WORDS)}`;
  const n = 1 + rng.int(4);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(TITLE_WORDS));
  let t = words.join(' ');
  if (rng.chance(0.01)) t = `${t}/${rng.pick(TITLE_WORDS)}`;
  if (rng.chance(0.18)) t = `${t} ${rng.pick(TITLE_SUFFIXES)}`;
  if (rng.chance(0.01)) t = `${t}:  ${rng.pick(TITLE_WORDS)}`; // double space, as in the real titles
  return t;
}

function duration(rng: Rng): number {
  const d = Math.min(1200, Math.max(20, Math.exp(Math.log(230) + 0.35 * rng.normal())));
  return fiveDecimals(rng, d);
}

function randomPlace(rng: Rng): Place {
  const r = rng.float();
  if (r < 0.35) return { location: '', lat: null, lon: null };
  if (r < 0.37) return { location: null, lat: null, lon: null };
  const [location, lat, lon] = rng.pick(ARTIST_PLACES);
  if (lat !== null && lon !== null && rng.chance(0.15)) return { location, lat: null, lon: null };
  return { location, lat, lon };
}

function buildCatalogue(rng: Rng, songCount: number): { songs: Song[]; files: Song[]; artists: Artist[] } {
  const usedIds = new Set<string>();
  const usedArtistNames = new Set<string>();
  const usedPairs = new Set<string>();
  const side = Math.min(26, Math.max(3, Math.ceil(Math.sqrt(songCount / 8))));
  const trackId = (): string =>
    uniqueId(usedIds, () => msdId(rng, 'TR', 'A' + UPPER[rng.int(side)] + UPPER[rng.int(side)] + UPPER[rng.int(26)] + UPPER[rng.int(26)]));

  const artists: Artist[] = [];
  const songs: Song[] = [];
  let nameVariants = 0;
  let placeVariants = 0;
  while (songs.length < songCount) {
    const index = artists.length;
    // artist 0 always has a non-ASCII name and artist 1 no coordinates, so small catalogues keep the quirks
    const nonAscii = index === 0 || rng.chance(0.04);
    let name = artistName(rng, nonAscii);
    for (let tries = 0; usedArtistNames.has(name); tries++) name = tries < 20 ? artistName(rng, nonAscii) : `${name} ${tries}`;
    usedArtistNames.add(name);
    const place = index === 1 ? { location: '', lat: null, lon: null } : index === 2 ? { location: null, lat: null, lon: null } : randomPlace(rng);
    const n = Math.min(songCount - songs.length, 1 + Math.min(11, Math.floor(-Math.log(1 - rng.float()) * 2.2)));
    const artist: Artist = { id: uniqueId(usedIds, () => msdId(rng, 'AR')), name, place, nameVariant: null, placeVariant: null };
    if (n >= 2 && (rng.chance(0.12) || nameVariants === 0)) {
      nameVariants++;
      const r = rng.float();
      artist.nameVariant =
        r < 0.4 ? `${name} feat. ${personName(rng)}` : r < 0.6 ? `${name} featuring ${personName(rng)}` : r < 0.8 ? name.toUpperCase() : `${name} & Friends`;
      if (artist.nameVariant === name) artist.nameVariant = `${name} feat. ${personName(rng)}`;
    } else if (n >= 2 && (rng.chance(0.12) || placeVariants === 0)) {
      placeVariants++;
      let variant = randomPlace(rng);
      if (variant.location === place.location) variant = { location: `${place.location ?? 'USA'} USA`, lat: place.lat, lon: place.lon };
      artist.placeVariant = variant;
    }
    artists.push(artist);
    const baseYear = 1955 + rng.int(56);
    for (let k = 0; k < n; k++) {
      const useVariant = k > 0 && (k === 1 || rng.chance(0.5));
      const aName = useVariant && artist.nameVariant !== null ? artist.nameVariant : name;
      const aPlace = useVariant && artist.placeVariant !== null ? artist.placeVariant : place;
      const songNonAscii = (index === 0 && k === 0) || rng.chance(0.03);
      let title = songTitle(rng, songNonAscii);
      for (let tries = 0; usedPairs.has(`${title}\u0000${aName}`); tries++) title = tries < 20 ? songTitle(rng, songNonAscii) : `${title} (Take ${tries})`;
      usedPairs.add(`${title}\u0000${aName}`);
      const yearZero = songs.length === 0 || rng.chance(0.5);
      songs.push({
        trackId: trackId(),
        songId: uniqueId(usedIds, () => msdId(rng, 'SO')),
        artist,
        artistName: aName,
        place: aPlace,
        title,
        duration: duration(rng),
        year: yearZero ? 0 : Math.min(2010, baseYear + rng.int(12)),
        pretty: rng.chance(0.05),
      });
    }
  }
  if (songs.length > 0 && !songs.some((s) => s.pretty)) rng.pick(songs).pretty = true;

  // duplicate records: the same song (same song_id, identical content) in a second track file
  const files = [...songs];
  const duplicates = songs.length === 0 ? 0 : Math.max(1, Math.round(songs.length * 0.005));
  for (let i = 0; i < duplicates; i++) {
    const original = songs[rng.int(songs.length)] as Song;
    files.push({ ...original, trackId: trackId() });
  }
  return { songs, files, artists };
}

function songJson(song: Song): string {
  const fields: [string, string][] = [
    ['num_songs', '1'],
    ['artist_id', asciiJsonString(song.artist.id)],
    ['artist_latitude', song.place.lat === null ? 'null' : pyFloat(song.place.lat)],
    ['artist_longitude', song.place.lon === null ? 'null' : pyFloat(song.place.lon)],
    ['artist_location', asciiJsonNullable(song.place.location)],
    ['artist_name', asciiJsonString(song.artistName)],
    ['song_id', asciiJsonString(song.songId)],
    ['title', asciiJsonString(song.title)],
    ['duration', pyFloat(song.duration)],
    ['year', String(song.year)],
  ];
  if (song.pretty) return `{\n${fields.map(([k, v]) => `  "${k}": ${v}`).join(',\n')}\n}\n`;
  return `{${fields.map(([k, v]) => `"${k}": ${v}`).join(', ')}}`;
}

function playEntry(artist: string, title: string, lengthSec: number, catalogue: boolean): PlayEntry {
  const a = doubleMojibake(artist);
  const t = doubleMojibake(title);
  return {
    artistJson: asciiJsonString(a),
    songJson: asciiJsonString(t),
    lengthText: flatAscii(pyFloat(lengthSec)),
    lengthMs: Math.round(lengthSec * 1000),
    matches: catalogue && a === artist && t === title,
  };
}

/** Songs played in the logs that are not in the catalogue: new artists, known artists' other songs, covers. */
function buildOutsidePool(rng: Rng, size: number, catalogue: Song[]): PlayEntry[] {
  const taken = new Set(catalogue.map((s) => `${s.title}\u0000${s.artistName}`));
  const artists: string[] = [];
  const artistCount = Math.max(10, Math.round(size / 3));
  for (let i = 0; i < artistCount; i++) {
    let name = artistName(rng, rng.chance(0.05));
    if (name.includes("'") || rng.chance(0.002)) name = name.includes("'") ? name.replace("'", '\u0019') : `${name} Feat. DJ Theo\u0019s Crew`;
    artists.push(name);
  }
  const out: PlayEntry[] = [];
  for (let i = 0; i < size; i++) {
    let artist: string;
    let title: string;
    const r = rng.float();
    const known = catalogue.length > 0 ? (catalogue[rng.int(catalogue.length)] as Song) : null;
    if (known !== null && r < 0.2) {
      artist = known.artistName; // a catalogue artist, but a song the catalogue does not have
      title = songTitle(rng, rng.chance(0.04));
    } else if (known !== null && r < 0.3) {
      artist = artists[rng.int(artists.length)] as string; // a cover: catalogue title, other artist
      title = known.title;
    } else {
      artist = artists[Math.floor(artists.length * rng.float() ** 1.5)] as string;
      title = songTitle(rng, rng.chance(0.04));
    }
    for (let tries = 0; taken.has(`${title}\u0000${artist}`); tries++) title = `${title} (Live)`;
    out.push(playEntry(artist, title, duration(rng), false));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// users

interface User {
  level: 0 | 1; // 0 free, 1 paid
  /** the pages the user visits while free (see freeTableFor) */
  freePages: { pages: Uint8Array; cum: Float64Array };
  /** the constant pieces of the user's event lines (see eventLine) */
  lines: LineParts;
}

/** Constant text between the variable fields of an event line, for one user (or for logged-out events). */
interface LineParts {
  /** `,"auth":..,"firstName":..,"gender":..,"itemInSession":` */
  auth: string;
  /** `,"lastName":..,"length":` */
  lastName: string;
  location: string;
  registration: string;
  /** `,"userAgent":..,"userId":".."}` */
  tail: string;
  /** `,"level":..,"location":..,"method":..,"page":..,"registration":..,"sessionId":` by level * PAGES.length + page */
  middle: (string | undefined)[];
}

function lineParts(auth: string, first: string, gender: string, lastName: string, location: string, registration: string, userAgent: string, userId: string): LineParts {
  return {
    auth: flatAscii(`,"auth":"${auth}","firstName":${first},"gender":${gender},"itemInSession":`),
    lastName: flatAscii(`,"lastName":${lastName},"length":`),
    location,
    registration,
    tail: flatAscii(`,"userAgent":${userAgent},"userId":"${userId}"}`),
    middle: [],
  };
}

const LOGGED_OUT_PARTS = lineParts('Logged Out', 'null', 'null', 'null', 'null', 'null', 'null', '');

function middlePart(parts: LineParts, paid: number, page: number): string {
  const key = paid * PAGES.length + page;
  let text = parts.middle[key];
  if (text === undefined) {
    const def = PAGES[page] as PageDef;
    text = flatAscii(`,"level":"${paid ? 'paid' : 'free'}","location":${parts.location},"method":"${def.method}","page":"${def.name}","registration":${parts.registration},"sessionId":`);
    parts.middle[key] = text;
  }
  return text;
}

/** `,"status":..,"ts":` by page */
const STATUS_PARTS = PAGES.map((p) => flatAscii(`,"status":${p.status},"ts":`));

function buildUsers(rng: Rng, traits: Rng, count: number, firstDayMs: number): { users: User[]; cum: Float64Array } {
  const users: User[] = [];
  const cum = new Float64Array(count);
  let next = 2;
  let big = 100001 + rng.int(10);
  let total = 0;
  for (let i = 0; i < count; i++) {
    let id: string;
    if (i > 0 && rng.chance(0.06)) {
      id = String(big); // ids of a second user population, as in the full Sparkify logs ("100001")
      big += 1 + rng.int(3);
    } else {
      if (rng.chance(0.05)) next += 1 + rng.int(2);
      id = String(next++);
    }
    const female = rng.chance(0.5);
    const first = rng.pick(female ? FEMALE_NAMES : MALE_NAMES);
    const paid = rng.chance(0.3);
    const registration = firstDayMs - 3_600_000 - rng.int(60 * DAY_MS);
    const lastName = asciiJsonString(rng.pick(LAST_NAMES));
    const location = asciiJsonString(rng.pick(USER_LOCATIONS));
    const userAgent = asciiJsonString(quoteUserAgent(rng.pick(USER_AGENTS)));
    users.push({
      level: paid ? 1 : 0,
      freePages: freeTableFor(traits.normal()),
      lines: lineParts('Logged In', asciiJsonString(first), female ? '"F"' : '"M"', lastName, location, pyFloat(registration), userAgent, id),
    });
    total += Math.exp(1.1 * rng.normal()) * (paid ? 2 : 1);
    cum[i] = total;
  }
  for (let i = 0; i < count; i++) cum[i] = (cum[i] as number) / total;
  return { users, cum };
}

function pickWeighted(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < (cum[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// main

function parseStartDate(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new Error(`startDate must be a valid YYYY-MM-DD date, got ${JSON.stringify(value)}`);
  }
  return ms;
}

function allocate(rng: Rng, total: number, days: number, firstDayMs: number): number[] {
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const dow = new Date(firstDayMs + d * DAY_MS).getUTCDay();
    weights.push((dow === 0 || dow === 6 ? 0.55 : 1) * (0.6 + 0.8 * rng.float()));
  }
  const floorAll = total >= days;
  const spread = floorAll ? total - days : total;
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => (spread * w) / sum);
  const counts = shares.map((s) => Math.floor(s) + (floorAll ? 1 : 0));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[(order[k] as readonly [number, number])[1]]! += 1;
  return counts;
}

const CHUNK_BYTES = 1 << 22;

/**
 * Writes ASCII lines into two alternating buffers, so that encoding the next chunk overlaps the write of
 * the previous one; at most one write is pending at a time.
 */
class ChunkWriter {
  private buf: Buffer;
  private spare: Buffer;
  private offset = 0;
  private pending: Promise<unknown> | null = null;
  written = 0;

  constructor(
    private readonly fh: FileHandle,
    buffers: [Buffer, Buffer],
  ) {
    [this.buf, this.spare] = buffers;
  }

  newline(): void {
    this.buf[this.offset++] = 0x0a;
  }

  /** Appends a line; returns true when the buffer is full enough to flush. */
  add(line: string): boolean {
    if (this.offset + line.length > this.buf.length) throw new Error('internal error: event line longer than the write buffer');
    this.offset += this.buf.write(line, this.offset, 'latin1');
    return this.offset >= CHUNK_BYTES;
  }

  async flush(): Promise<void> {
    if (this.offset === 0) return;
    await this.drain();
    this.pending = this.fh.write(this.buf, 0, this.offset);
    this.written += this.offset;
    [this.buf, this.spare] = [this.spare, this.buf];
    this.offset = 0;
  }

  async drain(): Promise<void> {
    if (this.pending !== null) await this.pending;
    this.pending = null;
  }
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${value}`);
}

export async function generateSparkifySample(options: SparkifySampleOptions): Promise<SparkifySampleSummary> {
  const events = options.events;
  checkCount('events', events, 0);
  const days = options.days ?? 30;
  checkCount('days', days, 1);
  const songCount = options.songs ?? Math.min(MAX_DEFAULT_SONGS, Math.max(80, Math.floor(events / 100)));
  checkCount('songs', songCount, 1);
  const seed = options.seed ?? 1;
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  const firstDayMs = parseStartDate(options.startDate ?? '2018-11-01');

  let bytes = 0;

  // ---- song_data
  const { songs, files } = buildCatalogue(new Rng(seed, 'catalogue'), songCount);
  const madeDirs = new Set<string>();
  const songWrites: Promise<void>[] = [];
  for (const song of files) {
    const dir = join(options.outDir, 'song_data', song.trackId[2]!, song.trackId[3]!, song.trackId[4]!);
    if (!madeDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      madeDirs.add(dir);
    }
    const text = songJson(song);
    bytes += text.length;
    songWrites.push(writeFile(join(dir, `${song.trackId}.json`), text, 'latin1'));
    if (songWrites.length >= 64) await Promise.all(songWrites.splice(0));
  }
  await Promise.all(songWrites);

  // ---- log_data
  const summary: SparkifySampleSummary = {
    songFiles: files.length,
    logFiles: 0,
    events,
    nextSongEvents: 0,
    loggedOutEvents: 0,
    users: 0,
    bytes: 0,
    songs: songs.length,
    duplicateSongFiles: files.length - songs.length,
    matchedNextSongEvents: 0,
  };
  if (events > 0) {
    const rng = new Rng(seed, 'events');
    const catalogPlays = songs.map((s) => playEntry(s.artistName, s.title, s.duration, true));
    const outsidePlays = buildOutsidePool(new Rng(seed, 'outside'), Math.min(60_000, Math.max(200, Math.round(events * 0.4))), songs);
    const { users, cum } = buildUsers(new Rng(seed, 'users'), new Rng(seed, 'engagement'), Math.max(5, Math.round(1.1 * Math.sqrt(events))), firstDayMs);
    const seen = new Uint8Array(users.length);
    const busyUntil = new Float64Array(users.length);
    const budgets = allocate(new Rng(seed, 'days'), events, days, firstDayMs);
    const maxBudget = Math.max(...budgets);
    const evTs = new Float64Array(maxBudget);
    const evUser = new Int32Array(maxBudget);
    const evSession = new Int32Array(maxBudget);
    const evItem = new Int32Array(maxBudget);
    const evPage = new Uint8Array(maxBudget);
    const evFlags = new Uint8Array(maxBudget); // bit 0 logged out, bit 1 paid
    const evSong = new Int32Array(maxBudget); // >= 0 catalogue index, < 0: -(outside index) - 1
    const buffers: [Buffer, Buffer] = [Buffer.allocUnsafe(CHUNK_BYTES + 65_536), Buffer.allocUnsafe(CHUNK_BYTES + 65_536)];
    let sessionId = 1 + rng.int(40);
    let needUpgrade = true;
    let needDowngrade = true;
    let needCollision = true;

    for (let d = 0; d < days; d++) {
      const budget = budgets[d] as number;
      if (budget === 0) continue;
      const dayStart = firstDayMs + d * DAY_MS;
      const dayEnd = dayStart + DAY_MS;
      // session lengths (lognormal, median ~3, mean ~8), then sorted start times
      const lengths: number[] = [];
      for (let sum = 0; sum < budget; ) {
        const len = Math.min(400, budget - sum, Math.max(1, Math.round(Math.exp(1.1 + 1.4 * rng.normal()))));
        lengths.push(len);
        sum += len;
      }
      const starts = new Float64Array(lengths.length);
      for (let i = 0; i < starts.length; i++) starts[i] = rng.int(DAY_MS);
      starts.sort();

      let n = 0;
      let carry = 0;
      let prevFirstTs = -1;
      let prevUser = -1;
      for (let s = 0; s < lengths.length; s++) {
        const last = s === lengths.length - 1;
        const L = (lengths[s] as number) + carry;
        carry = 0;
        // leave room for the session's expected duration, so that few sessions get squeezed at midnight
        const room = DAY_MS - Math.min(DAY_MS / 2, L * 190_000);
        let start = Math.min(dayStart + Math.floor(((starts[s] as number) * room) / DAY_MS), dayEnd - 1 - L);
        let u = 0;
        let free = false;
        for (let tries = 0; tries < 12 && !free; tries++) {
          u = pickWeighted(cum, rng.float());
          free = (busyUntil[u] as number) < start;
        }
        if (!free) start = Math.min(Math.max(start, (busyUntil[u] as number) + 1000 + rng.int(60_000)), dayEnd - 1 - L);
        // rare timestamp collision: this session starts at the same ms as the previous (other user's) session
        if (prevFirstTs >= 0 && u !== prevUser && (busyUntil[u] as number) < prevFirstTs && prevFirstTs <= dayEnd - 1 - L && (needCollision || rng.chance(0.01))) {
          start = prevFirstTs;
          needCollision = false;
        }
        const user = users[u] as User;
        const r = rng.float();
        const kind = r < 0.018 ? 2 : r < 0.05 ? 1 : 0; // 2 logged-out only, 1 starts logged out then logs in, 0 logged in
        let loggedIn = kind === 0;
        let preLogin = kind === 1 ? rng.int(3) : 0;
        let afterLogin = false;
        let afterLogout = false;
        let prevPage = -1;
        let prevSongMs = 0;
        let ts = start;
        const sid = sessionId;
        sessionId += rng.chance(0.1) ? 2 + rng.int(4) : 1;
        for (let i = 0; i < L; i++) {
          if (i > 0) {
            const gap =
              prevPage === P.NextSong
                ? (rng.chance(0.75) ? prevSongMs : Math.round(prevSongMs * (0.1 + 0.9 * rng.float()))) + rng.int(3000)
                : 1000 + rng.int(59_000);
            ts = Math.max(ts + 1, Math.min(ts + gap, dayEnd - (L - i)));
          }
          let page: number;
          let out = false;
          let song = 0;
          if (kind === 2) {
            out = true;
            const x = rng.float();
            page = x < 0.8 ? P.Home : x < 0.9 ? P.About : P.Help;
          } else if (!loggedIn) {
            // after a logout the session usually ends soon (the last session of the day never ends early,
            // so that the day gets exactly its share of events)
            if (afterLogout && !last && rng.chance(0.55)) {
              carry = L - i;
              break;
            }
            out = true;
            if (preLogin > 0) {
              preLogin--;
              page = rng.chance(0.85) ? P.Home : rng.chance(0.5) ? P.About : P.Help;
            } else if (!afterLogout) {
              page = P.Login;
            } else {
              const x = rng.float();
              page = x < 0.35 ? P.Login : x < 0.85 ? P.Home : x < 0.93 ? P.About : P.Help;
            }
            if (page === P.Login) {
              loggedIn = true;
              afterLogin = true;
              afterLogout = false;
            }
          } else {
            const level = user.level;
            if ((i === 0 && rng.chance(0.3)) || (afterLogin && rng.chance(0.7))) page = P.Home;
            else if (prevPage === P.Settings && rng.chance(0.25)) page = P.SaveSettings;
            else if (prevPage === P.Upgrade && level === 0 && rng.chance(0.3)) page = P.SubmitUpgrade;
            else if (prevPage === P.Downgrade && level === 1 && rng.chance(0.08)) page = P.SubmitDowngrade;
            else if (needUpgrade && level === 0 && i >= 1 && i < L - 1) page = P.SubmitUpgrade;
            else if (needDowngrade && level === 1 && i >= 1 && i < L - 1) page = P.SubmitDowngrade;
            else page = drawFrom(level === 0 ? user.freePages : PAID_TABLE, rng.float());
            afterLogin = false;
            if (page === P.Logout) {
              loggedIn = false;
              afterLogout = true;
            } else if (page === P.NextSong) {
              if (rng.chance(0.3)) {
                song = Math.floor(catalogPlays.length * rng.float() ** 1.3);
                prevSongMs = (catalogPlays[song] as PlayEntry).lengthMs;
              } else {
                const k = Math.floor(outsidePlays.length * rng.float() ** 1.6);
                prevSongMs = (outsidePlays[k] as PlayEntry).lengthMs;
                song = -k - 1;
              }
            }
          }
          evTs[n] = ts;
          evUser[n] = u;
          evSession[n] = sid;
          evItem[n] = i;
          evPage[n] = page;
          evFlags[n] = (out ? 1 : 0) | (user.level === 1 ? 2 : 0);
          evSong[n] = song;
          n++;
          if (!out) seen[u] = 1;
          if (page === P.SubmitUpgrade) {
            user.level = 1;
            needUpgrade = false;
          } else if (page === P.SubmitDowngrade) {
            user.level = 0;
            needDowngrade = false;
          }
          prevPage = page;
        }
        busyUntil[u] = ts;
        prevFirstTs = start;
        prevUser = u;
      }
      if (n !== budget) throw new Error(`internal error: day ${d} has ${n} events, expected ${budget}`);

      // ---- write the day file in ts order (ties: generation order)
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((a, b) => (evTs[a] as number) - (evTs[b] as number) || a - b);
      const date = new Date(dayStart).toISOString().slice(0, 10);
      const dir = join(options.outDir, 'log_data', date.slice(0, 4), date.slice(5, 7));
      if (!madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        madeDirs.add(dir);
      }
      const fh = await open(join(dir, `${date}-events.json`), 'w');
      try {
        const out = new ChunkWriter(fh, buffers);
        for (let j = 0; j < n; j++) {
          const e = order[j] as number;
          const page = evPage[e] as number;
          const user = users[evUser[e] as number] as User;
          const flags = evFlags[e] as number;
          let artist = 'null';
          let songText = 'null';
          let length = 'null';
          if (page === P.NextSong) {
            const sIdx = evSong[e] as number;
            const play = (sIdx >= 0 ? catalogPlays[sIdx] : outsidePlays[-sIdx - 1]) as PlayEntry;
            artist = play.artistJson;
            songText = play.songJson;
            length = play.lengthText;
            summary.nextSongEvents++;
            if (play.matches) summary.matchedNextSongEvents++;
          }
          let parts = user.lines;
          if (flags & 1) {
            summary.loggedOutEvents++;
            parts = LOGGED_OUT_PARTS;
          }
          const line =
            '{"artist":' + artist + parts.auth + evItem[e] + parts.lastName + length + middlePart(parts, flags >> 1, page) +
            evSession[e] + ',"song":' + songText + (STATUS_PARTS[page] as string) + evTs[e] + parts.tail;
          if (j > 0) out.newline();
          if (out.add(line)) await out.flush();
        }
        await out.flush();
        await out.drain();
        bytes += out.written;
      } finally {
        await fh.close();
      }
      summary.logFiles++;
    }
    summary.users = seen.reduce((a, b) => a + b, 0);
  }
  summary.bytes = bytes;
  return summary;
}
