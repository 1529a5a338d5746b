//! The transparency log's sequencer: the only writer of the registry.
//!
//! Every change to the registry goes through [`Log::append`]. One task takes requests off a
//! queue, puts as many as are waiting (up to `batch_max`) into one database transaction, each
//! request under its own savepoint so that one failing request does not sink the others, and
//! commits. Only after the commit is durable does it extend the in-memory Merkle tree, sign a
//! checkpoint and answer the callers: an acknowledged entry is on disk, and a published
//! checkpoint only ever covers committed entries, so a crash at any moment can neither lose an
//! acknowledged entry nor yield two different trees of one size.
//!
//! A process-wide lock (a lock file beside the SQLite database, an advisory lock on
//! PostgreSQL) keeps a second registry process from writing to the same log.

use std::fs::File;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use iotlabel_label::KeyPair;
use iotlabel_tlog::{Checkpoint, Hash, Signer, Tree, VerifierKey, leaf_hash};
use sqlx::{Any, Executor};
use tokio::sync::{mpsc, oneshot};

use crate::config::RegistryConfig;
use crate::db::{Backend, Db};
use crate::error::RegistryError;
use crate::store::{self, Write};

/// A log entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// Its kind (`label-issued`, ...).
    pub kind: String,
    /// What it is about, for lookups.
    pub subject: String,
    /// Its bytes, as hashed into the tree.
    pub data: Vec<u8>,
}

/// One request: entries and the domain writes that go with them, all or nothing.
#[derive(Debug, Clone, Default)]
pub struct Append {
    /// Entries, appended in order.
    pub entries: Vec<NewEntry>,
    /// Domain writes; their `entry` fields index into `entries`.
    pub writes: Vec<Write>,
}

/// A signed checkpoint the log has published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// The signed note (C2SP tlog-checkpoint).
    pub note: String,
}

enum Job {
    Append(Append, Reply),
    Shutdown(oneshot::Sender<()>),
}

/// Holds the single-writer lock until dropped.
enum WriterLock {
    File(#[allow(dead_code)] File),
    Postgres(#[allow(dead_code)] sqlx::AnyConnection),
}

struct Shared {
    origin: String,
    signer: Signer,
    key: Arc<KeyPair>,
    tree: RwLock<Tree>,
    published: RwLock<Arc<Published>>,
    /// Batches committed since start: anything read from the database before this moved may
    /// be out of date.
    commits: AtomicU64,
}

/// The transparency log.
#[derive(Clone)]
pub struct Log {
    shared: Arc<Shared>,
    jobs: mpsc::Sender<Job>,
}

/// Seconds since the epoch, now.
fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl Log {
    /// Takes the writer lock, rebuilds the tree from the stored entries, checks it against every
    /// stored checkpoint (refusing to start on a mismatch) and starts the sequencer.
    pub async fn start(
        db: Db,
        key: Arc<KeyPair>,
        config: &RegistryConfig,
    ) -> Result<Self, RegistryError> {
        let lock = take_writer_lock(&db).await?;
        let origin = resolve_origin(&db, config).await?;
        Checkpoint::new(&origin, 0, [0; 32])
            .validate()
            .map_err(|e| {
                RegistryError::Config(format!("the log origin `{origin}` cannot be used: {e}"))
            })?;
        let signer = Signer::new(&origin, key.signing_key().clone()).map_err(|e| {
            RegistryError::Config(format!("the log origin `{origin}` cannot name a key: {e}"))
        })?;
        let tree = rebuild(&db).await?;
        let stored = store::checkpoints(&db.pool).await?;
        check_against_checkpoints(&tree, &stored)?;
        let root = tree.root();
        let size = tree.size();
        let published = match stored.last() {
            Some((s, r, note))
                if *s == size
                    && r.as_slice() == root.as_slice()
                    && note_is_ours(note, &origin, signer.verifier()) =>
            {
                Published {
                    size,
                    root,
                    note: note.clone(),
                }
            }
            _ => {
                let note = sign_checkpoint(&signer, &origin, size, root)?;
                store::insert_checkpoint(&db.pool, size, &root, &note, unix_now()).await?;
                Published { size, root, note }
            }
        };
        let shared = Arc::new(Shared {
            origin,
            signer,
            key,
            tree: RwLock::new(tree),
            published: RwLock::new(Arc::new(published)),
            commits: AtomicU64::new(0),
        });
        let (jobs, queue) = mpsc::channel(config.batch_max.max(1) * 4);
        let sequencer = Sequencer {
            db,
            shared: shared.clone(),
            batch_max: config.batch_max.max(1),
            batch_wait: Duration::from_millis(config.batch_wait_ms),
            last_stored: Instant::now(),
            _lock: lock,
        };
        tokio::spawn(sequencer.run(queue));
        Ok(Self { shared, jobs })
    }

    /// Appends entries and applies their writes atomically; returns the entries' indices once
    /// they are durable and covered by a published checkpoint.
    pub async fn append(&self, append: Append) -> Result<Vec<u64>, RegistryError> {
        for e in &append.entries {
            if e.data.len() >= 1 << 16 {
                return Err(RegistryError::invalid(format!(
                    "a log entry has at most 65535 bytes; this {} entry has {}",
                    e.kind,
                    e.data.len()
                )));
            }
        }
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Append(append, reply))
            .await
            .map_err(|_| RegistryError::SequencerGone)?;
        answer.await.map_err(|_| RegistryError::SequencerGone)?
    }

    /// Finishes the queued requests, stores the final checkpoint and stops the sequencer.
    pub async fn shutdown(&self) {
        let (done, wait) = oneshot::channel();
        if self.jobs.send(Job::Shutdown(done)).await.is_ok() {
            let _ = wait.await;
        }
    }

    /// How many batches have been committed since start. Every change to registry state is
    /// committed by the sequencer, so a value read from the database while this stayed the
    /// same is still current: [`crate::registry::Registry::label`] caches on it.
    pub fn generation(&self) -> u64 {
        self.shared.commits.load(Ordering::Acquire)
    }

    /// The log's origin line.
    pub fn origin(&self) -> &str {
        &self.shared.origin
    }

    /// The latest published checkpoint.
    pub fn checkpoint(&self) -> Arc<Published> {
        self.shared
            .published
            .read()
            .map(|p| p.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// The published tree size.
    pub fn size(&self) -> u64 {
        self.checkpoint().size
    }

    /// Runs `f` on the tree (which may be ahead of the published checkpoint while a batch is
    /// being committed; callers ask for sizes up to the published one).
    pub fn with_tree<R>(&self, f: impl FnOnce(&Tree) -> R) -> R {
        match self.shared.tree.read() {
            Ok(t) => f(&t),
            Err(e) => f(&e.into_inner()),
        }
    }

    /// The inclusion proof of entry `index` in the tree of `size` (the published size if `None`).
    pub fn inclusion_proof(
        &self,
        index: u64,
        size: Option<u64>,
    ) -> Result<(u64, Vec<Hash>), RegistryError> {
        let size = self.proof_size(size)?;
        if index >= size {
            return Err(RegistryError::NotFound(format!(
                "entry {index} in a tree of {size}"
            )));
        }
        let proof = self
            .with_tree(|t| t.inclusion_proof(index, size))
            .map_err(|e| RegistryError::invalid(e.to_string()))?;
        Ok((size, proof))
    }

    /// The consistency proof between two published sizes.
    pub fn consistency_proof(
        &self,
        old: u64,
        new: Option<u64>,
    ) -> Result<(u64, Vec<Hash>), RegistryError> {
        let new = self.proof_size(new)?;
        if old > new {
            return Err(RegistryError::invalid(format!(
                "old size {old} is larger than new size {new}"
            )));
        }
        let proof = self
            .with_tree(|t| t.consistency_proof(old, new))
            .map_err(|e| RegistryError::invalid(e.to_string()))?;
        Ok((new, proof))
    }

    /// The root of the tree of a published size.
    pub fn root_at(&self, size: u64) -> Result<Hash, RegistryError> {
        let size = self.proof_size(Some(size))?;
        self.with_tree(|t| t.root_at(size))
            .map_err(|e| RegistryError::invalid(e.to_string()))
    }

    /// The leaf hash of an entry.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        if index >= self.size() {
            return None;
        }
        self.with_tree(|t| t.leaf(index))
    }

    fn proof_size(&self, size: Option<u64>) -> Result<u64, RegistryError> {
        let published = self.size();
        match size {
            None => Ok(published),
            Some(s) if s <= published => Ok(s),
            Some(s) => Err(RegistryError::NotFound(format!(
                "tree size {s}: the log has published {published} entries"
            ))),
        }
    }

    /// The checkpoint verifier key (C2SP signed-note `name+id+key` form).
    pub fn verifier_key(&self) -> &VerifierKey {
        self.shared.signer.verifier()
    }

    /// Signs arbitrary data with the log key (COSE receipts).
    pub fn signing_key(&self) -> &iotlabel_tlog::SigningKey {
        self.shared.key.signing_key()
    }
}

struct Sequencer {
    db: Db,
    shared: Arc<Shared>,
    batch_max: usize,
    batch_wait: Duration,
    last_stored: Instant,
    _lock: WriterLock,
}

/// A request's outcome within a batch, answered after the commit.
struct Pending {
    reply: Reply,
    outcome: Result<Vec<u64>, RegistryError>,
}

/// Checkpoints are stored at most this often under load; every published one can be recomputed
/// from the entries, which are committed before it is published.
const STORE_CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

impl Sequencer {
    async fn run(mut self, mut queue: mpsc::Receiver<Job>) {
        let mut shutdown: Option<oneshot::Sender<()>> = None;
        while shutdown.is_none() {
            let Some(first) = queue.recv().await else {
                break;
            };
            let mut batch = Vec::new();
            let mut entries = 0usize;
            take_job(first, &mut batch, &mut entries, &mut shutdown);
            let deadline = tokio::time::Instant::now() + self.batch_wait;
            while entries < self.batch_max && shutdown.is_none() {
                match queue.try_recv() {
                    Ok(job) => take_job(job, &mut batch, &mut entries, &mut shutdown),
                    Err(_) => match tokio::time::timeout_at(deadline, queue.recv()).await {
                        Ok(Some(job)) => take_job(job, &mut batch, &mut entries, &mut shutdown),
                        _ => break,
                    },
                }
            }
            if !batch.is_empty() {
                self.commit(batch).await;
            }
        }
        // Finish whatever is still queued, then store the final checkpoint.
        queue.close();
        let mut rest = Vec::new();
        while let Ok(job) = queue.try_recv() {
            if let Job::Append(a, r) = job {
                rest.push((a, r));
            }
        }
        if !rest.is_empty() {
            self.commit(rest).await;
        }
        self.store_checkpoint(true).await;
        if let Some(done) = shutdown {
            let _ = done.send(());
        }
    }

    async fn commit(&mut self, batch: Vec<(Append, Reply)>) {
        let start_size = match self.shared.tree.read() {
            Ok(t) => t.size(),
            Err(e) => e.into_inner().size(),
        };
        let now = unix_now();
        let mut pending = Vec::with_capacity(batch.len());
        let mut leaves: Vec<Hash> = Vec::new();
        let result = async {
            let mut tx = self.db.pool.begin().await?;
            for (append, reply) in batch {
                let first = start_size + leaves.len() as u64;
                let outcome = apply_one(&mut tx, &append, first, now).await;
                if outcome.is_ok() {
                    leaves.extend(append.entries.iter().map(|e| leaf_hash(&e.data)));
                }
                pending.push(Pending { reply, outcome });
            }
            tx.commit().await?;
            self.shared.commits.fetch_add(1, Ordering::Release);
            Ok::<(), RegistryError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "log batch failed; nothing of it was committed");
            let message = e.to_string();
            for p in pending {
                let _ = p.reply.send(Err(RegistryError::Config(format!(
                    "the registry could not commit: {message}"
                ))));
            }
            return;
        }
        if !leaves.is_empty() {
            let (size, root) = {
                let mut tree = match self.shared.tree.write() {
                    Ok(t) => t,
                    Err(e) => e.into_inner(),
                };
                tree.extend(leaves.iter().copied());
                (tree.size(), tree.root())
            };
            let note = match sign_checkpoint(&self.shared.signer, &self.shared.origin, size, root) {
                Ok(note) => note,
                Err(e) => {
                    // Cannot happen with an origin validated at start; the entries are committed
                    // and the next start signs their checkpoint.
                    tracing::error!(error = %e, "could not sign a checkpoint");
                    String::new()
                }
            };
            let published = Arc::new(Published { size, root, note });
            match self.shared.published.write() {
                Ok(mut p) => *p = published,
                Err(e) => *e.into_inner() = published,
            }
            self.store_checkpoint(false).await;
        }
        for p in pending {
            let _ = p.reply.send(p.outcome);
        }
    }

    /// Stores the published checkpoint if it is new and (unless `force`) a second has passed.
    async fn store_checkpoint(&mut self, force: bool) {
        if !force && self.last_stored.elapsed() < STORE_CHECKPOINT_EVERY {
            return;
        }
        let p = match self.shared.published.read() {
            Ok(p) => p.clone(),
            Err(e) => e.into_inner().clone(),
        };
        match store::insert_checkpoint(&self.db.pool, p.size, &p.root, &p.note, unix_now()).await {
            Ok(()) => self.last_stored = Instant::now(),
            Err(e) => {
                tracing::warn!(error = %e, size = p.size, "could not store a checkpoint; it will be recomputed")
            }
        }
    }
}

type Reply = oneshot::Sender<Result<Vec<u64>, RegistryError>>;

/// Adds a job to the batch being gathered (or notes the shutdown request).
fn take_job(
    job: Job,
    batch: &mut Vec<(Append, Reply)>,
    entries: &mut usize,
    shutdown: &mut Option<oneshot::Sender<()>>,
) {
    match job {
        Job::Append(a, r) => {
            // A request without entries still costs a statement or two.
            *entries += a.entries.len().max(1);
            batch.push((a, r));
        }
        Job::Shutdown(done) => *shutdown = Some(done),
    }
}

/// Applies one request inside the batch's transaction, under a savepoint.
async fn apply_one(
    tx: &mut sqlx::Transaction<'_, Any>,
    append: &Append,
    first: u64,
    now: i64,
) -> Result<Vec<u64>, RegistryError> {
    (&mut **tx).execute("SAVEPOINT request").await?;
    let indices: Vec<u64> = (0..append.entries.len() as u64)
        .map(|i| first + i)
        .collect();
    let outcome = async {
        for (e, idx) in append.entries.iter().zip(&indices) {
            store::insert_entry(
                tx,
                *idx,
                &leaf_hash(&e.data),
                &e.data,
                &e.kind,
                &e.subject,
                now,
            )
            .await?;
        }
        for w in &append.writes {
            store::apply(tx, w, &indices, now).await?;
        }
        Ok::<(), RegistryError>(())
    }
    .await;
    match outcome {
        Ok(()) => {
            (&mut **tx).execute("RELEASE SAVEPOINT request").await?;
            Ok(indices)
        }
        Err(e) => {
            (&mut **tx).execute("ROLLBACK TO SAVEPOINT request").await?;
            (&mut **tx).execute("RELEASE SAVEPOINT request").await?;
            Err(e)
        }
    }
}

/// Rebuilds the tree from the stored entries, checking that indices are contiguous and that
/// each stored leaf hash is the hash of the stored data.
async fn rebuild(db: &Db) -> Result<Tree, RegistryError> {
    let mut tree = Tree::new();
    let mut start = 0u64;
    const PAGE: u64 = 10_000;
    loop {
        let rows = store::entries(&db.pool, start, start + PAGE).await?;
        if rows.is_empty() {
            break;
        }
        for (idx, data, stored_hash) in &rows {
            if *idx != tree.size() {
                return Err(RegistryError::Tampered(format!(
                    "entry {} is missing (the next stored entry is {idx})",
                    tree.size()
                )));
            }
            let hash = leaf_hash(data);
            if stored_hash.as_slice() != hash.as_slice() {
                return Err(RegistryError::Tampered(format!(
                    "entry {idx}'s data does not hash to its stored leaf hash"
                )));
            }
            tree.push(hash);
        }
        start += PAGE;
    }
    let max: Option<(i64,)> = sqlx::query_as("SELECT MAX(idx) FROM log_entries")
        .fetch_optional(&db.pool)
        .await
        .ok()
        .flatten();
    if let Some((m,)) = max
        && u64::try_from(m).is_ok_and(|m| m >= tree.size())
    {
        return Err(RegistryError::Tampered(format!(
            "entries after {} are stored but {} is missing",
            tree.size() - 1,
            tree.size()
        )));
    }
    Ok(tree)
}

/// The log's origin: fixed at the first start (from the configuration) and read back ever
/// after, because it names the log in every checkpoint that auditors keep. A configured origin
/// that differs from the recorded one is an error, not a silent rename.
async fn resolve_origin(db: &Db, config: &RegistryConfig) -> Result<String, RegistryError> {
    const KEY: &str = "log_origin";
    match store::setting(&db.pool, KEY).await? {
        Some(recorded) => match &config.log_origin {
            Some(configured) if *configured != recorded => Err(RegistryError::Config(format!(
                "log_origin is configured as `{configured}` but this log was created as `{recorded}`; a log's origin never changes (remove the setting to keep `{recorded}`)"
            ))),
            _ => Ok(recorded),
        },
        None => {
            let origin = config.origin();
            store::init_setting(&db.pool, KEY, &origin).await?;
            Ok(origin)
        }
    }
}

/// Every stored checkpoint must be a root of the rebuilt tree.
fn check_against_checkpoints(
    tree: &Tree,
    stored: &[(u64, Vec<u8>, String)],
) -> Result<(), RegistryError> {
    for (size, root, _) in stored {
        if *size > tree.size() {
            return Err(RegistryError::Tampered(format!(
                "a checkpoint of size {size} was published but only {} entries are stored",
                tree.size()
            )));
        }
        let actual = tree
            .root_at(*size)
            .map_err(|e| RegistryError::Tampered(e.to_string()))?;
        if actual.as_slice() != root.as_slice() {
            return Err(RegistryError::Tampered(format!(
                "the stored entries give a different root for size {size} than the checkpoint published then"
            )));
        }
    }
    Ok(())
}

fn note_is_ours(note: &str, origin: &str, key: &VerifierKey) -> bool {
    Checkpoint::open(note.as_bytes(), origin, std::slice::from_ref(key)).is_ok()
}

fn sign_checkpoint(
    signer: &Signer,
    origin: &str,
    size: u64,
    root: Hash,
) -> Result<String, RegistryError> {
    Checkpoint::new(origin, size, root)
        .sign(&[signer])
        .map_err(|e| RegistryError::Config(format!("cannot sign the checkpoint: {e}")))
}

/// The path of the SQLite database file in a `sqlite:` URL.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Arbitrary but fixed: the advisory lock id of the registry's writer on PostgreSQL.
const PG_WRITER_LOCK: i64 = 0x696f_746c_6162_656c;

async fn take_writer_lock(db: &Db) -> Result<WriterLock, RegistryError> {
    match db.backend {
        Backend::Sqlite => {
            let Some(path) = sqlite_path(&db.url) else {
                return Err(RegistryError::Config(
                    "an in-memory SQLite database cannot hold a transparency log".into(),
                ));
            };
            let lock_path = path.with_extension("lock");
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock_path)
                .map_err(|e| {
                    RegistryError::Config(format!("cannot open {}: {e}", lock_path.display()))
                })?;
            match file.try_lock() {
                Ok(()) => Ok(WriterLock::File(file)),
                Err(std::fs::TryLockError::WouldBlock) => Err(RegistryError::Config(format!(
                    "another registry process is using {}; stop it first (lock: {})",
                    path.display(),
                    lock_path.display()
                ))),
                Err(std::fs::TryLockError::Error(e)) => Err(RegistryError::Config(format!(
                    "cannot lock {}: {e}",
                    lock_path.display()
                ))),
            }
        }
        Backend::Postgres => {
            let mut conn = db.pool.acquire().await?;
            let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
                .bind(PG_WRITER_LOCK)
                .fetch_one(&mut *conn)
                .await?;
            if !got {
                return Err(RegistryError::Config(
                    "another registry process is writing to this PostgreSQL database; stop it first".into(),
                ));
            }
            Ok(WriterLock::Postgres(conn.detach()))
        }
    }
}
