//! A deterministic synthetic corpus: session pages (`<id>.page.txt`) and raw captioning
//! transcripts (`<id>.raw.txt`) in the layout of `data/sessions`, for benchmarks and scale tests.
//!
//! Input: a [`Profile`] (the statistics to follow), a [`Vocabulary`] (the theme terms to
//! sprinkle), a seed and a [`Size`]. Output: files in a directory ([`Generator::write`]) or
//! [`SessionFiles`] in memory ([`Generator::corpus`], for benches). Session `n` is a pure
//! function of `(seed, n)`, so the same seed gives the same bytes whatever the thread count.
//! Sessions are `WS #1` … `WS #N`, spread over the years 2019–2025, so every transcript pairs
//! with exactly one page.
//!
//! All text is assembled from our own word pools and sentence templates (the `words` module); nothing
//! is copied from real IGF material. This module deliberately does not reproduce the messier
//! format variants of real files (missing titles, indented labels, mirror copies): the corpus
//! measures throughput, the fixtures in `tests/fixtures` cover robustness.

mod profile;
mod room;
mod words;

pub use profile::{Profile, Vocabulary};
pub use room::{check_room, free_bytes};

use igf_lens::error::{Error, Result};
use igf_lens::model::{Region, Stakeholder};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Exactly this many sessions (a page and a transcript each).
    Sessions(u32),
    /// Sessions until the files add up to at least this many bytes (overshoot: under one
    /// session, about 35 kB).
    Bytes(u64),
}

/// One generated session: its id (`2023-ws-225`) and the text of both files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFiles {
    pub id: String,
    pub page: String,
    pub raw: String,
}

impl SessionFiles {
    /// Bytes of both files.
    pub fn len(&self) -> u64 {
        (self.page.len() + self.raw.len()) as u64
    }

    /// Always false: a session always has a page and a transcript.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes `<id>.page.txt` and `<id>.raw.txt` into `dir`.
    pub fn write_to(&self, dir: &Path) -> Result<()> {
        for (ext, text) in [("page", &self.page), ("raw", &self.raw)] {
            let path = dir.join(format!("{}.{ext}.txt", self.id));
            std::fs::write(&path, text).map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    }
}

/// What [`Generator::write`] produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub dir: PathBuf,
    pub sessions: u32,
    pub files: u32,
    pub bytes: u64,
    pub seconds: f64,
}

/// Sessions generated per parallel batch when writing (bounds memory to a few MB per thread).
const BATCH: u32 = 256;

/// Years the sessions are spread over, with the first day of each year's meeting.
const MEETINGS: [(u16, u32, u32); 7] = [
    (2019, 11, 25),
    (2020, 11, 2),
    (2021, 12, 6),
    (2022, 11, 28),
    (2023, 10, 8),
    (2024, 12, 15),
    (2025, 6, 23),
];

/// The corpus generator. Build it once; [`Generator::session`] is cheap and thread-safe.
pub struct Generator {
    profile: Profile,
    vocabulary: Vocabulary,
    seed: u64,
    t: Templates,
    /// Probability that a sentence is a theme sentence, derived from the profile's density.
    theme_rate: f64,
    /// Probability that a government or intergovernmental speaker's label carries a title:
    /// the profile's rate is over all panel turns, and only these speakers get titles.
    official_title_rate: f64,
}

/// The compiled sentence templates.
struct Templates {
    sentences: Vec<Template>,
    theme: Vec<Template>,
    openers: Vec<Template>,
    moderator: Vec<Template>,
    audience: Vec<Template>,
    titles: Vec<Template>,
    questions: Vec<Template>,
}

impl Templates {
    fn new() -> Templates {
        let c = |v: &[&'static str]| v.iter().map(|s| Template::compile(s)).collect();
        Templates {
            sentences: c(words::SENTENCES),
            theme: c(words::THEME_SENTENCES),
            openers: c(words::OPENERS),
            moderator: c(words::MODERATOR_LINES),
            audience: c(words::AUDIENCE_LINES),
            titles: c(words::TITLES_OF_SESSIONS),
            questions: c(words::QUESTIONS),
        }
    }
}

impl Generator {
    /// A generator following `profile`, drawing theme terms from `vocabulary`.
    pub fn new(profile: Profile, vocabulary: Vocabulary, seed: u64) -> Generator {
        let t = Templates::new();
        // A theme sentence carries about 1.1 terms; sentences average about 10 words.
        let theme_rate = (profile.theme_density / 100.0 * 10.0 / 1.1).clamp(0.0, 0.9);
        let w = &profile.stakeholder_weights;
        let official = f64::from(w[0] + w[4]) / f64::from(w.iter().sum::<u32>().max(1));
        let official_title_rate = (profile.title_label_rate / official.max(0.05)).min(0.5);
        Generator {
            official_title_rate,
            profile,
            vocabulary,
            seed,
            t,
            theme_rate,
        }
    }

    /// The built-in profile and built-in terms: the corpus benches and tests use. It depends on
    /// nothing outside this module (not `data/`, not the taxonomy), so its bytes stay the same
    /// across commits and throughput records stay comparable.
    pub fn standard(seed: u64) -> Generator {
        Generator::new(Profile::builtin(), Vocabulary::builtin(), seed)
    }

    /// The profile followed.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The vocabulary drawn on.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Session number `n` (1-based): `WS #n` in year `2019 + (n - 1) % 7`.
    pub fn session(&self, n: u32) -> SessionFiles {
        let mut rng = Rng::new(self.seed ^ splitmix(u64::from(n)));
        let plan = self.plan(n, &mut rng);
        let page = self.page(&plan, &mut rng);
        let raw = self.transcript(&plan, &mut rng);
        SessionFiles {
            id: format!("{}-ws-{}", plan.year, n),
            page,
            raw,
        }
    }

    /// Generates a corpus in memory (for benches and tests).
    pub fn corpus(&self, size: Size) -> Vec<SessionFiles> {
        let mut out = Vec::new();
        let kept: Result<_> = self.batches(size, |batch| {
            out.extend(batch);
            Ok(())
        });
        debug_assert!(kept.is_ok(), "keeping sessions in memory cannot fail");
        out
    }

    /// Writes the corpus into `dir` (created when missing; it must hold no `.txt` file yet).
    /// Generation and writing run on the current rayon pool, a batch of sessions at a time.
    pub fn write(&self, dir: &Path, size: Size) -> Result<Summary> {
        let start = Instant::now();
        Error::create_dir_all(dir)?;
        let occupied = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok())
            .any(|e| e.path().extension().is_some_and(|x| x == "txt"));
        if occupied {
            return Err(Error::InputFile {
                path: dir.to_path_buf(),
                message: "already holds .txt files: pick an empty directory, or remove the \
                          old corpus first, so the new one is not mixed with it"
                    .into(),
            });
        }
        let (mut done, mut written) = (0u32, 0u64);
        let (sessions, bytes) = self.batches(size, |batch| {
            let batch_bytes: u64 = batch.iter().map(SessionFiles::len).sum();
            // What is still to come, from the target or from this batch's mean session.
            let still = match size {
                Size::Bytes(target) => target.saturating_sub(written).max(batch_bytes),
                Size::Sessions(total) => {
                    u64::from(total.saturating_sub(done))
                        * (batch_bytes / batch.len().max(1) as u64)
                }
            };
            check_room(dir, still, "the corpus", "lower --mb or --sessions")?;
            batch.par_iter().try_for_each(|s| s.write_to(dir))?;
            done += batch.len() as u32;
            written += batch_bytes;
            Ok(())
        })?;
        Ok(Summary {
            dir: dir.to_path_buf(),
            sessions,
            files: sessions * 2,
            bytes,
            seconds: start.elapsed().as_secs_f64(),
        })
    }

    /// Generates sessions 1, 2, … in parallel batches of [`BATCH`] until `size` is reached,
    /// handing each batch (cut where the size is reached) to `each`. Returns the sessions and
    /// bytes handed over.
    fn batches(
        &self,
        size: Size,
        mut each: impl FnMut(Vec<SessionFiles>) -> Result<()>,
    ) -> Result<(u32, u64)> {
        let (mut sessions, mut bytes, mut n) = (0u32, 0u64, 1u32);
        loop {
            let want = match size {
                Size::Sessions(total) => total.saturating_sub(sessions).min(BATCH),
                Size::Bytes(_) => BATCH,
            };
            if want == 0 {
                break;
            }
            let mut batch: Vec<SessionFiles> = (n..n + want)
                .into_par_iter()
                .map(|i| self.session(i))
                .collect();
            n += want;
            let take = take_until(&batch, bytes, size);
            let full = take == batch.len();
            batch.truncate(take);
            bytes += batch.iter().map(SessionFiles::len).sum::<u64>();
            sessions += take as u32;
            each(batch)?;
            if !full || matches!(size, Size::Bytes(t) if bytes >= t) {
                break;
            }
        }
        Ok((sessions, bytes))
    }

    fn plan(&self, n: u32, rng: &mut Rng) -> Plan {
        let (year, month, day0) = MEETINGS[((n - 1) % 7) as usize];
        let day = rng.below(5) as u32;
        let date = days_from_civil(i64::from(year), month, day0) + i64::from(day);
        let start_min = (6 + rng.below(10) as u32) * 60 + if rng.chance(0.5) { 30 } else { 0 };
        let duration = if rng.chance(0.7) { 90 } else { 60 };
        let (lo, hi) = self.profile.speakers;
        let k = rng.range(lo, hi.max(lo)) as usize;
        let mut used: Vec<(usize, usize)> = Vec::new();
        let mut panel: Vec<Person> = (0..k).map(|_| self.person(rng, &mut used)).collect();
        let moderator = self.person(rng, &mut used);
        let online = self.person(rng, &mut used);
        let rapporteur = if rng.chance(0.5) {
            self.person(rng, &mut used)
        } else {
            panel[rng.below(panel.len())].clone()
        };
        // Every page lists at least one speaker of a different group than the first, as real
        // panels aim for a mix; the weights alone decide the rest.
        if panel.len() > 1 && panel.iter().all(|p| p.stakeholder == panel[0].stakeholder) {
            let last = panel.len() - 1;
            let idx = (Stakeholder::ALL
                .iter()
                .position(|&s| s == panel[0].stakeholder)
                .unwrap_or(0)
                + 1)
                % 5;
            panel[last].stakeholder = Stakeholder::ALL[idx];
            if panel[last].stakeholder == Stakeholder::Intergovernmental {
                panel[last].region = Region::Intergovernmental;
            }
        }
        let mut title = String::new();
        let tpl = &self.t.titles[rng.below(self.t.titles.len())];
        let firsts: Vec<&'static str> = panel.iter().map(|p| p.first).collect();
        self.render(tpl, rng, &firsts, &mut title);
        capitalize_from(&mut title, 0);
        Plan {
            n,
            year,
            day: day + 1,
            date,
            start_min,
            duration,
            title,
            room: words::ROOMS[rng.below(words::ROOMS.len())],
            tracks: {
                let a = rng.below(words::TRACKS.len());
                let b = (a + 1 + rng.below(words::TRACKS.len() - 1)) % words::TRACKS.len();
                [words::TRACKS[a], words::TRACKS[b]]
            },
            panel,
            moderator,
            online,
            rapporteur,
        }
    }

    fn person(&self, rng: &mut Rng, used: &mut Vec<(usize, usize)>) -> Person {
        let (f, s) = loop {
            let pair = (
                rng.below(words::FIRST_NAMES.len()),
                rng.below(words::SURNAMES.len()),
            );
            if !used.iter().any(|u| u.0 == pair.0 || u.1 == pair.1) {
                used.push(pair);
                break pair;
            }
        };
        let g = rng.weighted(&self.profile.stakeholder_weights);
        let stakeholder = Stakeholder::ALL[g];
        let r = rng.weighted(&self.profile.region_weights);
        let region = if stakeholder == Stakeholder::Intergovernmental {
            Region::Intergovernmental
        } else {
            Region::ALL[r]
        };
        let orgs = words::ORGANIZATIONS[g];
        let country = words::COUNTRIES[r][rng.below(words::COUNTRIES[r].len())];
        let org = orgs[rng.below(orgs.len())].replace("{c}", country);
        let first = words::FIRST_NAMES[f];
        let surname = words::SURNAMES[s];
        Person {
            name: format!("{first} {surname}"),
            first,
            surname,
            stakeholder,
            region,
            org,
        }
    }

    fn page(&self, p: &Plan, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(6 * 1024);
        let firsts: Vec<&'static str> = p.panel.iter().map(|x| x.first).collect();
        let _ = writeln!(out, "IGF {} WS #{} {}\n", p.year, p.n, p.title);
        let end = p.start_min + p.duration;
        let (end_date, end_min) = (p.date + i64::from(end / 1440), end % 1440);
        let _ = writeln!(
            out,
            "{} - {}",
            date_time(p.date, p.start_min),
            date_time(end_date, end_min)
        );
        let _ = writeln!(out, "{}\n\n{}\n{}\n", p.room, p.tracks[0], p.tracks[1]);
        let organizers = [&p.moderator, &p.online, &p.panel[0]];
        for (i, o) in organizers.iter().enumerate() {
            let _ = writeln!(out, "Organizer {}: {}, {}", i + 1, o.name, o.org);
        }
        out.push('\n');
        for (i, s) in p.panel.iter().enumerate() {
            let _ = writeln!(out, "Speaker {}: {}", i + 1, roster_line(s));
        }
        for (heading, who) in [
            ("Onsite Moderator", &p.moderator),
            ("Online Moderator", &p.online),
            ("Rapporteur", &p.rapporteur),
        ] {
            let _ = write!(out, "\n{heading}\n\n{}\n", roster_line(who));
        }
        let format = if rng.chance(0.6) {
            "Panel"
        } else {
            "Round Table"
        };
        let _ = write!(
            out,
            "\n{format} - {} Min\n\nPolicy Question(s)\n\n",
            p.duration
        );
        for (i, letter) in ["A", "B", "C"].iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let _ = write!(out, "{letter}. ");
            let start = out.len();
            let q = &self.t.questions[rng.below(self.t.questions.len())];
            self.render(q, rng, &firsts, &mut out);
            capitalize_from(&mut out, start);
            out.push('?');
        }
        // The page's prose sections: what comes before each, and about how many words.
        const SECTIONS: [(&str, u32); 7] = [
            (
                "\n\nWhat will participants gain from attending this session? ",
                60,
            ),
            ("\n\n\n", 200),
            ("\n\nExpected Outcomes\n\n", 70),
            ("\n\nHybrid Format: ", 60),
            (
                "\n\nKey Takeaways (* deadline 2 hours after session)\n\n",
                30,
            ),
            ("\n\n", 25),
            (
                "\n\nCall to Action (* deadline 2 hours after session)\n\n",
                30,
            ),
        ];
        for (head, words) in SECTIONS {
            out.push_str(head);
            self.prose(rng, &firsts, words, &mut out);
        }
        out.push('\n');
        out
    }

    fn transcript(&self, p: &Plan, rng: &mut Rng) -> String {
        let prof = &self.profile;
        let mut out = String::with_capacity(40 * 1024);
        let firsts: Vec<&'static str> = p.panel.iter().map(|x| x.first).collect();
        let _ = write!(
            out,
            "IGF {} – Day {} – WS #{} {} – RAW\n\n{}\n\n***\n\n",
            p.year,
            p.day,
            p.n,
            p.title,
            words::DISCLAIMERS[rng.below(words::DISCLAIMERS.len())]
        );
        let turns = rng
            .range(prof.turns.0, prof.turns.1.max(prof.turns.0))
            .max(3);
        let audience = rng.range(
            prof.audience_turns.0,
            prof.audience_turns.1.max(prof.audience_turns.0),
        );
        // Audience turns sit in the last third, where the floor is opened.
        let mut audience_at: Vec<u32> = (0..audience)
            .map(|_| turns * 2 / 3 + rng.below((turns / 3).max(1) as usize) as u32)
            .collect();
        audience_at.sort_unstable();
        let mut last_panel = usize::MAX;
        let mod_label = p.moderator.name.to_uppercase();

        self.opening(p, rng, &firsts, &mod_label, &mut out);

        for t in 1..turns {
            out.push_str("\n\n>> ");
            if t + 1 == turns {
                let _ = write!(
                    out,
                    "MODERATOR:  {}",
                    words::CLOSINGS[rng.below(words::CLOSINGS.len())]
                );
                break;
            }
            if audience_at.first().is_some_and(|&a| a <= t) {
                audience_at.remove(0);
                let label = if rng.chance(0.67) {
                    "AUDIENCE"
                } else {
                    "AUDIENCE MEMBER"
                };
                let _ = write!(out, "{label}:  ");
                let w = self.sample_words(rng, &prof.speaker_words).min(120);
                let lead = &self.t.audience[rng.below(self.t.audience.len())];
                self.speech(rng, &firsts, w, Some(lead), &mut out);
                continue;
            }
            if rng.chance(prof.moderator_share) || p.panel.len() < 2 {
                let label = if rng.chance(prof.moderator_name_rate) {
                    &mod_label
                } else {
                    "MODERATOR"
                };
                let _ = write!(out, "{label}:  ");
                let w = self.sample_words(rng, &prof.moderator_words);
                let lead = &self.t.moderator[rng.below(self.t.moderator.len())];
                self.speech(rng, &firsts, w, Some(lead), &mut out);
                continue;
            }
            // A panellist (or now and then the online moderator), never twice in a row.
            let who = loop {
                let i = rng.below(p.panel.len() + 1);
                if i != last_panel {
                    break i;
                }
            };
            last_panel = who;
            let person = p.panel.get(who).unwrap_or(&p.online);
            self.panellist_label(person, rng, &mut out);
            let w = self.sample_words(rng, &prof.speaker_words);
            let lead = &self.t.openers[rng.below(self.t.openers.len())];
            self.speech(rng, &firsts, w, Some(lead), &mut out);
        }
        out.push('\n');
        out
    }

    /// The opening turn: the moderator introduces themselves and the panel.
    fn opening(
        &self,
        p: &Plan,
        rng: &mut Rng,
        firsts: &[&'static str],
        mod_label: &str,
        out: &mut String,
    ) {
        let prof = &self.profile;
        let label = if rng.chance(prof.moderator_name_rate) {
            mod_label
        } else {
            "MODERATOR"
        };
        let _ = write!(
            out,
            ">> {label}:  Good morning, everyone, and welcome.  My name is {}, I work with {}, \
             and I will be moderating this session.  With me today are ",
            p.moderator.name, p.moderator.org
        );
        for (i, s) in p.panel.iter().enumerate() {
            if i > 0 {
                out.push_str(if i + 1 == p.panel.len() {
                    " and "
                } else {
                    ", "
                });
            }
            let _ = write!(out, "{} from {}", s.name, s.org);
        }
        out.push_str(".  ");
        let w = self.sample_words(rng, &prof.moderator_words);
        self.speech(rng, firsts, w, None, out);
    }

    /// A panellist's label: surname, official title and surname, or full name, upper-cased.
    fn panellist_label(&self, person: &Person, rng: &mut Rng, out: &mut String) {
        let prof = &self.profile;
        if rng.chance(prof.surname_label_rate) {
            let _ = write!(out, "{}:  ", person.surname.to_uppercase());
        } else if rng.chance(self.official_title_rate)
            && matches!(
                person.stakeholder,
                Stakeholder::Government | Stakeholder::Intergovernmental
            )
        {
            let title = words::TITLES[rng.below(words::TITLES.len())];
            let _ = write!(out, "{title} {}:  ", person.surname.to_uppercase());
        } else {
            let _ = write!(out, "{}:  ", person.name.to_uppercase());
        }
    }

    /// Picks a turn length from observed lengths, with ±20 % jitter.
    fn sample_words(&self, rng: &mut Rng, observed: &[u32]) -> u32 {
        let base = observed
            .get(rng.below(observed.len().max(1)))
            .copied()
            .unwrap_or(50);
        let jitter = 0.8 + 0.4 * rng.unit();
        ((f64::from(base) * jitter) as u32).max(3)
    }

    /// Writes about `target` words of speech: sentences two spaces apart, paragraphs of about
    /// the profile's length, now and then an annotation.
    fn speech(
        &self,
        rng: &mut Rng,
        firsts: &[&str],
        target: u32,
        lead: Option<&Template>,
        out: &mut String,
    ) {
        let para_mean = self.profile.paragraph_words.max(10);
        let mut para_target = para_mean / 2 + rng.below(para_mean as usize) as u32;
        let annotate_at = rng
            .chance(self.profile.annotation_rate.min(1.0))
            .then(|| rng.below((target / 10).max(1) as usize) as u32);
        let (mut words, mut para, mut sentence) = (0u32, 0u32, 0u32);
        let mut lead = lead;
        loop {
            let start = out.len();
            let tpl = match lead.take() {
                Some(t) => t,
                None if rng.chance(self.theme_rate) => &self.t.theme[rng.below(self.t.theme.len())],
                None => &self.t.sentences[rng.below(self.t.sentences.len())],
            };
            self.render(tpl, rng, firsts, out);
            capitalize_from(out, start);
            let w = count_words(&out[start..]);
            words += w;
            para += w;
            if annotate_at == Some(sentence) {
                let (a, _) = words::ANNOTATIONS[rng.weighted_pairs(words::ANNOTATIONS)];
                out.push_str("  ");
                out.push_str(a);
            }
            sentence += 1;
            if words >= target {
                break;
            }
            if para >= para_target && target - words > 15 {
                out.push_str("\n\n");
                para = 0;
                para_target = para_mean / 2 + rng.below(para_mean as usize) as u32;
            } else {
                out.push_str("  ");
            }
        }
    }

    /// Page prose: sentences of about `target` words in one paragraph, one space apart.
    fn prose(&self, rng: &mut Rng, firsts: &[&str], target: u32, out: &mut String) {
        let mut words = 0;
        loop {
            let start = out.len();
            let tpl = if rng.chance(self.theme_rate * 2.0) {
                &self.t.theme[rng.below(self.t.theme.len())]
            } else {
                &self.t.sentences[rng.below(self.t.sentences.len())]
            };
            self.render(tpl, rng, firsts, out);
            capitalize_from(out, start);
            words += count_words(&out[start..]);
            if words >= target {
                break;
            }
            out.push(' ');
        }
    }

    fn render(&self, tpl: &Template, rng: &mut Rng, firsts: &[&str], out: &mut String) {
        for piece in &tpl.0 {
            match *piece {
                Piece::Lit(s) => out.push_str(s),
                Piece::Slot(slot) => {
                    let at = out.len();
                    self.fill(slot, rng, firsts, out);
                    fix_article(out, at);
                }
            }
        }
    }

    fn fill(&self, slot: Slot, rng: &mut Rng, firsts: &[&str], out: &mut String) {
        match slot {
            Slot::Noun if rng.chance(0.01) => invented_word(rng, out),
            Slot::Noun => out.push_str(words::NOUNS[rng.skewed(words::NOUNS.len())]),
            Slot::Nouns => out.push_str(words::PLURAL_NOUNS[rng.skewed(words::PLURAL_NOUNS.len())]),
            Slot::Adj => out.push_str(words::ADJECTIVES[rng.skewed(words::ADJECTIVES.len())]),
            Slot::Verb => out.push_str(words::VERBS[rng.skewed(words::VERBS.len())]),
            Slot::Term => {
                let terms = &self.vocabulary.terms;
                out.push_str(&terms[rng.skewed(terms.len())]);
            }
            Slot::Country => {
                let r = rng.below(5);
                out.push_str(words::COUNTRIES[r][rng.below(words::COUNTRIES[r].len())]);
            }
            Slot::Community => {
                out.push_str(words::COMMUNITIES[rng.below(words::COMMUNITIES.len())])
            }
            Slot::First => out.push_str(
                firsts
                    .get(rng.below(firsts.len().max(1)))
                    .unwrap_or(&"everyone"),
            ),
            Slot::Person => {
                out.push_str(words::FIRST_NAMES[rng.below(words::FIRST_NAMES.len())]);
                out.push(' ');
                out.push_str(words::SURNAMES[rng.below(words::SURNAMES.len())]);
            }
            Slot::Org => {
                let g = rng.below(5);
                let orgs = words::ORGANIZATIONS[g];
                let org = orgs[rng.below(orgs.len())];
                match org.split_once("{c}") {
                    Some((a, b)) => {
                        out.push_str(a);
                        let r = rng.below(5);
                        out.push_str(words::COUNTRIES[r][rng.below(words::COUNTRIES[r].len())]);
                        out.push_str(b);
                    }
                    None => out.push_str(org),
                }
            }
        }
    }
}

/// How many sessions of `batch` to keep so the running total reaches a byte target.
fn take_until(batch: &[SessionFiles], mut bytes: u64, size: Size) -> usize {
    let Size::Bytes(target) = size else {
        return batch.len();
    };
    for (i, s) in batch.iter().enumerate() {
        bytes += s.len();
        if bytes >= target {
            return i + 1;
        }
    }
    batch.len()
}

/// One person on a synthetic panel.
#[derive(Debug, Clone)]
struct Person {
    name: String,
    first: &'static str,
    surname: &'static str,
    stakeholder: Stakeholder,
    region: Region,
    org: String,
}

/// Everything decided about a session before its text is written.
struct Plan {
    n: u32,
    year: u16,
    /// Day of the meeting, 1-based, as in `Day 3`.
    day: u32,
    /// Days since 1970-01-01.
    date: i64,
    start_min: u32,
    duration: u32,
    title: String,
    room: &'static str,
    tracks: [&'static str; 2],
    panel: Vec<Person>,
    moderator: Person,
    online: Person,
    rapporteur: Person,
}

/// `Name, Stakeholder group, Regional group` as on session pages.
fn roster_line(p: &Person) -> String {
    let region = match p.region {
        Region::African => "African Group",
        Region::AsiaPacific => "Asia-Pacific Group",
        Region::EasternEuropean => "Eastern European Group",
        Region::Grulac => "Latin American and Caribbean Group (GRULAC)",
        Region::Weog => "Western European and Others Group (WEOG)",
        Region::Intergovernmental | Region::Unknown => "Intergovernmental Organization",
    };
    format!("{}, {}, {}", p.name, p.stakeholder.as_str(), region)
}

/// A slot in a sentence template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Noun,
    Nouns,
    Adj,
    Verb,
    Term,
    Country,
    Community,
    First,
    Person,
    Org,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Lit(&'static str),
    Slot(Slot),
}

/// A sentence template split into literal text and slots once, so generation never re-parses.
#[derive(Debug, Clone, PartialEq)]
struct Template(Vec<Piece>);

impl Template {
    fn compile(src: &'static str) -> Template {
        let mut pieces = Vec::new();
        let mut rest = src;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            let slot = match &rest[open + 1..close] {
                "n" => Slot::Noun,
                "ns" => Slot::Nouns,
                "a" => Slot::Adj,
                "v" => Slot::Verb,
                "t" => Slot::Term,
                "c" => Slot::Country,
                "g" => Slot::Community,
                "f" => Slot::First,
                "p" => Slot::Person,
                "o" => Slot::Org,
                // Not a slot: keep the brace as text.
                _ => {
                    pieces.push(Piece::Lit(&rest[..=open]));
                    rest = &rest[open + 1..];
                    continue;
                }
            };
            if open > 0 {
                pieces.push(Piece::Lit(&rest[..open]));
            }
            pieces.push(Piece::Slot(slot));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Lit(rest));
        }
        Template(pieces)
    }
}

/// Upper-cases the first letter written at or after `start` (sentences may open with a slot).
fn capitalize_from(s: &mut String, start: usize) {
    let Some(c) = s[start..].chars().next() else {
        return;
    };
    if c.is_lowercase() {
        let upper: String = c.to_uppercase().collect();
        s.replace_range(start..start + c.len_utf8(), &upper);
    }
}

/// Turns `a` into `an` when the word just written at `at` starts with a vowel.
fn fix_article(out: &mut String, at: usize) {
    let article = out[..at].ends_with(" a ");
    if article && out[at..].starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        out.insert(at - 1, 'n');
    }
}

fn count_words(s: &str) -> u32 {
    s.split_ascii_whitespace().count() as u32
}

/// A captioning error: two to four syllables run together (`kamerlo`).
fn invented_word(rng: &mut Rng, out: &mut String) {
    for _ in 0..2 + rng.below(3) {
        out.push_str(words::SYLLABLES[rng.below(words::SYLLABLES.len())]);
    }
}

/// `Tuesday, 10th October, 2023 (23:30 UTC)`.
fn date_time(days: i64, minutes: u32) -> String {
    const WEEKDAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let (y, m, d) = civil_from_days(days);
    let suffix = match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!(
        "{}, {d}{suffix} {}, {y} ({:02}:{:02} UTC)",
        WEEKDAYS[(days + 3).rem_euclid(7) as usize],
        igf_lens::model::MONTH_NAMES[(m - 1) as usize],
        minutes / 60,
        minutes % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// SplitMix64's finaliser: spreads a counter into a well-mixed seed.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// wyrand: a tiny, fast, seedable generator; plenty for text, not for anything secret.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(splitmix(seed))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0xA076_1D64_78BD_642F);
        let t = u128::from(self.0).wrapping_mul(u128::from(self.0 ^ 0xE703_7ED1_A0B4_28DB));
        ((t >> 64) ^ t) as u64
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Skewed towards low indices (density 1/(2√x)), so pools read like Zipfian vocabulary.
    fn skewed(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// An index drawn with the given relative weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        if total == 0 {
            return self.below(weights.len());
        }
        let mut x = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    fn weighted_pairs<T>(&mut self, pairs: &[(T, u32)]) -> usize {
        let weights: Vec<u32> = pairs.iter().map(|p| p.1).collect();
        self.weighted(&weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_compile_into_literals_and_slots() {
        let t = Template::compile("We {v} the {a} {n}.");
        assert_eq!(
            t.0,
            vec![
                Piece::Lit("We "),
                Piece::Slot(Slot::Verb),
                Piece::Lit(" the "),
                Piece::Slot(Slot::Adj),
                Piece::Lit(" "),
                Piece::Slot(Slot::Noun),
                Piece::Lit("."),
            ]
        );
        assert_eq!(
            Template::compile("{x} y").0,
            vec![Piece::Lit("{"), Piece::Lit("x} y")]
        );
    }

    #[test]
    fn dates_render_as_on_session_pages() {
        let cases = [
            (
                (2023, 10, 10),
                23 * 60 + 30,
                "Tuesday, 10th October, 2023 (23:30 UTC)",
            ),
            (
                (2024, 12, 17),
                10 * 60 + 30,
                "Tuesday, 17th December, 2024 (10:30 UTC)",
            ),
            (
                (2022, 12, 1),
                7 * 60,
                "Thursday, 1st December, 2022 (07:00 UTC)",
            ),
            (
                (2019, 11, 22),
                9 * 60,
                "Friday, 22nd November, 2019 (09:00 UTC)",
            ),
            ((2025, 6, 23), 9 * 60, "Monday, 23rd June, 2025 (09:00 UTC)"),
        ];
        for ((y, m, d), min, want) in cases {
            let days = days_from_civil(y, m, d);
            assert_eq!(civil_from_days(days), (y, m, d));
            assert_eq!(date_time(days, min), want);
        }
    }

    #[test]
    fn capitalize_handles_ascii_and_accented_letters() {
        let cases = [
            ("x. civil society has", 3, "x. Civil society has"),
            ("é", 0, "É"),
            ("A", 0, "A"),
        ];
        for (s, at, want) in cases {
            let mut s = s.to_string();
            capitalize_from(&mut s, at);
            assert_eq!(s, want);
        }
    }

    #[test]
    fn same_seed_same_session_and_different_seed_differs() {
        let a = Generator::standard(7).session(3);
        let b = Generator::standard(7).session(3);
        let c = Generator::standard(8).session(3);
        assert_eq!(a, b);
        assert_ne!(a.raw, c.raw);
        assert_eq!(a.id, "2021-ws-3");
    }

    #[test]
    fn session_has_title_disclaimer_separator_and_labelled_turns() {
        let s = Generator::standard(1).session(12);
        let mut lines = s.raw.lines();
        let title = lines.next().unwrap_or("");
        assert!(title.starts_with("IGF 2023 – Day "), "{title}");
        assert!(
            title.contains(" – WS #12 ") && title.ends_with(" – RAW"),
            "{title}"
        );
        assert!(s.raw.contains("\n\n***\n\n>> "));
        let turns = s.raw.lines().filter(|l| l.starts_with(">> ")).count() as u32;
        let p = Profile::builtin();
        assert!((p.turns.0..=p.turns.1).contains(&turns), "{turns} turns");
        assert!(s.page.starts_with("IGF 2023 WS #12 "));
        assert!(s.page.contains("\nSpeaker 1: "));
        assert!(s.page.contains("\nOnsite Moderator\n\n"));
    }

    #[test]
    fn article_agrees_with_the_next_word() {
        let cases = [
            ("It is a ", "oversight", "It is an oversight"),
            ("It is a ", "new one", "It is a new one"),
            ("Not a ", "Essential", "Not an Essential"),
            ("data ", "item", "data item"),
        ];
        for (before, word, want) in cases {
            let mut s = before.to_string();
            let at = s.len();
            s.push_str(word);
            fix_article(&mut s, at);
            assert_eq!(s, want);
        }
    }

    #[test]
    fn theme_density_follows_the_profile() {
        let v = Vocabulary::builtin();
        for density in [1.0, 5.6] {
            let mut p = Profile::builtin();
            p.theme_density = density;
            let g = Generator::new(p, v.clone(), 5);
            let (mut hits, mut words) = (0, 0);
            for n in 1..=10 {
                let s = g.session(n);
                let speech = s.raw.split("\n***\n").nth(1).unwrap_or("");
                hits += v.count_hits(speech);
                words += speech.split_whitespace().count();
            }
            let got = hits as f64 * 100.0 / words as f64;
            assert!(
                (got / density - 1.0).abs() < 0.3,
                "density {density}: got {got:.2}"
            );
        }
    }

    #[test]
    fn labels_follow_the_profile_rates() {
        let g = Generator::standard(9);
        let (mut turns, mut moderator, mut audience) = (0, 0, 0);
        for n in 1..=20 {
            for line in g.session(n).raw.lines().filter(|l| l.starts_with(">> ")) {
                turns += 1;
                moderator += usize::from(line.starts_with(">> MODERATOR:"));
                audience += usize::from(line.starts_with(">> AUDIENCE"));
            }
        }
        let share = moderator as f64 / turns as f64;
        assert!((0.35..0.50).contains(&share), "moderator share {share:.2}");
        assert!(
            (40..=60).contains(&audience),
            "{audience} audience turns in 20 sessions"
        );
    }

    #[test]
    fn rng_helpers_stay_in_range() {
        let mut r = Rng::new(1);
        for _ in 0..1000 {
            assert!(r.below(7) < 7);
            assert!((3..=5).contains(&r.range(3, 5)));
            assert!(r.skewed(10) < 10);
            assert_eq!(r.weighted(&[0, 5, 0]), 1);
        }
        assert_eq!(r.below(0), 0);
    }

    #[test]
    fn byte_target_takes_sessions_until_reached() {
        let g = Generator::standard(2);
        let batch: Vec<SessionFiles> = (1..=4).map(|n| g.session(n)).collect();
        let first = batch[0].len();
        assert_eq!(take_until(&batch, 0, Size::Bytes(first)), 1);
        assert_eq!(take_until(&batch, 0, Size::Bytes(first + 1)), 2);
        assert_eq!(take_until(&batch, 0, Size::Sessions(2)), 4);
    }
}
