//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// iotlabel certifies and labels the security of connected (IoT) products.
///
/// It keeps a versioned catalogue of IoT security provisions (ETSI EN 303 645 and the V3
/// additions) with crosswalks to the regimes manufacturers face: the EU Cyber Resilience Act,
/// UK PSTI, NIST IR 8425 / the US Cyber Trust Mark, Singapore's CLS, the German and Finnish
/// labels, OWASP ISVS and the ENISA baseline. Start with `iotlabel catalog list`.
#[derive(Debug, Parser)]
#[command(
    name = "iotlabel",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Use the catalogue in this directory instead of the one built into iotlabel.
    #[arg(long, global = true, env = "IOTLABEL_CATALOG", value_name = "DIR")]
    pub catalog: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Browse, search, check and export the catalogue of provisions, crosswalks and profiles.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Write and check a product declaration: schema, template, validator.
    #[command(subcommand)]
    Declaration(DeclarationCommand),
    /// Assess a declaration: verdict per provision, regimes, score and label level.
    ///
    /// Exit code 0 when the level reached is at least --min-level, 1 when below, 2 when the
    /// declaration is invalid: it can gate a manufacturer's CI.
    Assess(AssessArgs),
    /// Check an SBOM against vulnerability advisories, offline: findings per component with
    /// the range event that decided, known exploitation (CISA KEV) and the manufacturer's VEX.
    ///
    /// Exit code 0 when no finding is open (none, or all declared not affected or fixed by
    /// VEX), 1 when findings are open (affected or under investigation), 2 when an input is
    /// invalid or unreadable: it can gate a manufacturer's CI.
    #[command(subcommand)]
    Sbom(SbomCommand),
    /// Make, show and rotate the Ed25519 keys that sign labels.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Issue a signed label for a declaration: statement, DSSE twin, QR codes and artwork.
    #[command(subcommand)]
    Label(LabelCommand),
    /// Check that a label is genuine and current, offline: a .cose or .dsse.json file, a QR
    /// code image, or a token.
    ///
    /// Exit codes: 0 genuine and in date; 10 signature does not match (altered or forged);
    /// 11 unknown key; 12 key not valid for issuing at signing time; 13 expired; 14 not yet
    /// valid; 15 malformed; 16 signed payload is not a label; 17 unreadable image or no QR code;
    /// 18 only a registry link (check it online); 19 genuine but suspended, revoked, expired
    /// or superseded (with --online); 3 the registry could not be reached; 2 usage error.
    Verify(VerifyArgs),
    /// Measure performance (see README, Performance).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Run a registry: the API, the transparency log, the label lifecycle.
    ///
    /// Data lives in --data (SQLite database, issuer key, operator token) unless --database
    /// names a PostgreSQL server. `--demo` seeds an empty registry with the example products,
    /// their labels and some history. Stops cleanly on Ctrl-C or SIGTERM.
    Serve(ServeArgs),
    /// Submit a declaration and its evidence files to a registry and get its label.
    Submit(SubmitArgs),
    /// Sign an attestation over an evidence file with an assessor key and register it.
    Attest(AttestArgs),
    /// Check a registry's transparency log as an auditor: signatures, tiles, consistency.
    #[command(subcommand)]
    Log(LogCommand),
    /// Back up and restore a registry's storage.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// The scheme operator's actions on a running registry.
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Feed vulnerability advisories to a registry (the scheme operator).
    #[command(subcommand)]
    Advisories(AdvisoriesCommand),
}

/// `iotlabel advisories ...`
#[derive(Debug, Subcommand)]
pub enum AdvisoriesCommand {
    /// Import OSV records (JSON or YAML files, directories of them, zip dumps as OSV publishes
    /// them) and CSAF 2.0 advisories into a registry, which finds the labelled products they
    /// affect at once. Importing the same document again changes nothing.
    Import {
        /// Files, directories or zip dumps.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The registry (an operator token).
        #[command(flatten)]
        remote: RemoteArgs,
    },
}

/// Where a registry keeps its data.
#[derive(Debug, Clone, clap::Args)]
pub struct StorageArgs {
    /// Data directory: SQLite database, issuer key, operator token.
    #[arg(
        long,
        env = "IOTLABEL_DATA",
        value_name = "DIR",
        default_value = "iotlabel-data"
    )]
    pub data: PathBuf,
    /// PostgreSQL URL (postgres://user:password@host/db) instead of SQLite in --data.
    #[arg(long, env = "IOTLABEL_DATABASE", value_name = "URL")]
    pub database: Option<String>,
}

/// `iotlabel serve` arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Storage.
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Configuration file (TOML with [registry] and [server] tables; see docs/registry.md).
    /// Environment variables IOTLABEL_REGISTRY__<KEY> and IOTLABEL_SERVER__<KEY> override it.
    #[arg(long, env = "IOTLABEL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on (overrides the configuration).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Public base URL that QR codes and links use (overrides the configuration).
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Seed an empty registry with the example products, labels and history. Without --data it
    /// uses a fresh temporary directory.
    #[arg(long)]
    pub demo: bool,
    /// The example declarations the demo uses.
    #[arg(long, value_name = "DIR", requires = "demo")]
    pub examples: Option<PathBuf>,
    /// Log format.
    #[arg(long, value_enum, default_value_t)]
    pub log_format: LogFormat,
}

/// Log output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    /// Readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// A registry to talk to.
#[derive(Debug, Clone, clap::Args)]
pub struct RemoteArgs {
    /// Registry base URL.
    #[arg(long, env = "IOTLABEL_REGISTRY", value_name = "URL")]
    pub registry: String,
    /// API token (prefer the environment variable: command lines are visible to other users).
    #[arg(
        long,
        env = "IOTLABEL_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
}

/// `iotlabel submit` arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct SubmitArgs {
    /// The declaration (TOML, or JSON with a .json extension). Evidence files it names by path
    /// are uploaded first.
    pub file: PathBuf,
    /// The process declaration it references (default: the path in its [process] table).
    #[arg(long, value_name = "FILE")]
    pub process: Option<PathBuf>,
    /// The registry.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `iotlabel attest` arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct AttestArgs {
    /// The evidence file (as the manufacturer's declaration lists it).
    pub evidence: PathBuf,
    /// The assessor organisation, as registered.
    #[arg(long)]
    pub assessor: String,
    /// Evidence kind (sbom, firmware-analysis, network-test, lab-report, ...).
    #[arg(long)]
    pub kind: String,
    /// Provisions the evidence covers (comma-separated ids, e.g. 5.1-1,5.3-2).
    #[arg(long, value_delimiter = ',', required = true)]
    pub provisions: Vec<String>,
    /// Date of the work (YYYY-MM-DD; default today).
    #[arg(long)]
    pub date: Option<String>,
    /// The assessor's private key (registered with the registry by the operator).
    #[arg(long, value_name = "KEYFILE")]
    pub key: PathBuf,
    /// Passphrase environment variable, for an encrypted key.
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
    /// The registry.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// `iotlabel log ...`
#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Fetch the log's checkpoint and tiles, recompute the tree, check the signature, the
    /// entries and consistency with the checkpoint seen last time (kept in --state).
    ///
    /// Exit codes: 0 consistent; 20 the log forked or was rewritten (it contradicts a
    /// checkpoint you saw); 21 bad signature or entries that do not match their hashes;
    /// 3 the registry could not be reached.
    Verify {
        /// Registry base URL.
        #[arg(long, env = "IOTLABEL_REGISTRY", value_name = "URL")]
        registry: String,
        /// File remembering the log key and the last verified checkpoint (created on first use).
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        /// The log's verifier key (C2SP vkey), to pin instead of trusting the first answer.
        #[arg(long, value_name = "VKEY")]
        key: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// `iotlabel registry ...`
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Write a consistent backup (JSON lines) of the whole registry, also while it serves.
    Backup {
        /// Storage.
        #[command(flatten)]
        storage: StorageArgs,
        /// The backup file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Restore a backup into an empty data directory or database (SQLite or PostgreSQL).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Storage.
        #[command(flatten)]
        storage: StorageArgs,
    },
}

/// `iotlabel operator ...`
#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Create an organisation with its first account; prints the account's token once.
    Organisation {
        /// Legal name (manufacturers: as their declarations write it).
        name: String,
        /// What it is.
        #[arg(long, value_enum)]
        kind: OrganisationKind,
        /// Security contact (mailbox or URL), where vulnerability reports go.
        #[arg(long)]
        contact: Option<String>,
        /// The registry.
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Register an assessor organisation's public key (a .pub or .key file).
    Key {
        /// The assessor organisation's id.
        organisation: String,
        /// The key file.
        file: PathBuf,
        /// A name for the key.
        #[arg(long)]
        name: String,
        /// The registry.
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Retire a key (e.g. stolen): attestations signed with it are refused from now on.
    RetireKey {
        /// Key id.
        key: String,
        /// The registry.
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Suspend, reinstate or revoke a label, with a public reason.
    Status {
        /// Label id.
        label: String,
        /// What to do.
        #[arg(value_enum)]
        action: StatusAction,
        /// Why (shown on the label's record and logged).
        #[arg(long)]
        reason: String,
        /// The registry.
        #[command(flatten)]
        remote: RemoteArgs,
    },
}

/// Organisation kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrganisationKind {
    /// Makes products and submits declarations.
    Manufacturer,
    /// Tests products and attests evidence.
    Assessor,
    /// Runs the scheme.
    Operator,
}

/// Lifecycle actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusAction {
    /// Withdraw for now.
    Suspend,
    /// Bring a suspended label back.
    Reinstate,
    /// Withdraw for good.
    Revoke,
}

/// `iotlabel keys ...`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate an Ed25519 key pair (private key file mode 0600) and add it to DIR/trust.toml.
    Generate {
        /// Directory for the key files and the trust file.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Name of the key files (NAME.key, NAME.pub).
        #[arg(long, default_value = "issuer")]
        name: String,
        /// What the key may sign.
        #[arg(long, value_enum, default_value_t = RoleArg::Issuer)]
        role: RoleArg,
        /// Who holds the key, as the trust file shows it.
        #[arg(long, default_value = "iotlabel issuer")]
        holder: String,
        /// Encrypt the private key with the passphrase in this environment variable.
        #[arg(long, value_name = "VAR")]
        passphrase_env: Option<String>,
        /// Start of the key's validity in the trust file (RFC 3339; default now). Statements
        /// signed before it are rejected, so labels cannot be back-dated past it.
        #[arg(long, value_name = "TIME")]
        valid_from: Option<String>,
    },
    /// Show a key's id (derived from the public key) and public key.
    Show {
        /// A .key or .pub file.
        file: PathBuf,
        /// Passphrase environment variable, for an encrypted .key file.
        #[arg(long, value_name = "VAR")]
        passphrase_env: Option<String>,
    },
    /// Retire DIR/NAME.key and generate a new one; the trust file keeps the old public key,
    /// valid until now, so labels it signed still verify.
    Rotate {
        /// Directory holding NAME.key and trust.toml.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// Name of the key files.
        #[arg(long, default_value = "issuer")]
        name: String,
        /// Who holds the new key.
        #[arg(long, default_value = "iotlabel issuer")]
        holder: String,
        /// Encrypt the new private key with the passphrase in this environment variable.
        #[arg(long, value_name = "VAR")]
        passphrase_env: Option<String>,
    },
}

/// Key roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Scheme operator.
    Scheme,
    /// Label issuer.
    Issuer,
    /// Assessment lab.
    Assessor,
}

/// `iotlabel label ...`
#[derive(Debug, Subcommand)]
pub enum LabelCommand {
    /// Assess a declaration and issue its label into DIR: label.cose, label.dsse.json,
    /// label.json, assessment.json, and box / sticker / badge artwork as SVG and 300 dpi PNG.
    Issue {
        /// The declaration.
        declaration: PathBuf,
        /// The issuer's private key (PKCS#8 PEM).
        #[arg(long, value_name = "KEYFILE")]
        key: PathBuf,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Registry base URL, where the QR code leads.
        #[arg(long, default_value = "https://registry.iotlabel.example")]
        registry: String,
        /// Issuer name written into the statements (default: the registry URL).
        #[arg(long)]
        issuer: Option<String>,
        /// Longest validity in months (the scheme's cap).
        #[arg(long, default_value_t = 36)]
        max_validity_months: i32,
        /// Issue as of this date (YYYY-MM-DD; default now).
        #[arg(long)]
        date: Option<String>,
        /// Passphrase environment variable, for an encrypted key.
        #[arg(long, value_name = "VAR")]
        passphrase_env: Option<String>,
        /// Also draw the dense QR code carrying the whole signed statement (offline check).
        #[arg(long)]
        offline_qr: bool,
    },
}

/// `iotlabel verify` arguments.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["file", "qr", "token"])))]
pub struct VerifyArgs {
    /// A label.cose or label.dsse.json file.
    pub file: Option<PathBuf>,
    /// A photo or rendering of a QR code (PNG or JPEG).
    #[arg(long, value_name = "IMAGE")]
    pub qr: Option<PathBuf>,
    /// A label token (IL1:...).
    #[arg(long)]
    pub token: Option<String>,
    /// The trust file listing issuer keys.
    #[arg(long, env = "IOTLABEL_TRUST", value_name = "TRUSTFILE")]
    pub trust: PathBuf,
    /// Check as of this instant (RFC 3339, default now).
    #[arg(long)]
    pub at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Also ask this registry for the label's current status (a signed status token, checked
    /// with the same trust file). Exit code 19 when the label is genuine but not active.
    #[arg(long, value_name = "URL")]
    pub online: Option<String>,
}

/// `iotlabel bench ...`
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Generate declarations and assess them all against the catalogue, as a scheme owner does
    /// when the catalogue changes.
    Assess {
        /// How many declarations.
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Generator seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Append entries to a fresh transparency log from many concurrent writers, each append
    /// acknowledged only once durable (SQLite with synchronous=FULL, or PostgreSQL), and report
    /// the rate and latency.
    Log {
        /// How many entries.
        #[arg(long, default_value_t = 50_000)]
        count: usize,
        /// Concurrent writers (requests in flight).
        #[arg(long, default_value_t = 256)]
        writers: usize,
        /// Bytes per entry (a label-issued entry is about 600).
        #[arg(long, default_value_t = 600)]
        entry_bytes: usize,
        /// A PostgreSQL URL to measure against (its database must be empty and is written
        /// to); default: SQLite in a temporary directory.
        #[arg(long, value_name = "URL")]
        database: Option<String>,
    },
}

/// `iotlabel declaration ...`
#[derive(Debug, Subcommand)]
pub enum DeclarationCommand {
    /// Print the declaration's JSON Schema (draft 2020-12).
    Schema,
    /// Print a commented declaration template for a profile.
    New {
        /// The profile (`iotlabel catalog list profiles`).
        #[arg(long, default_value = "consumer-baseline")]
        profile: String,
    },
    /// Check a declaration: format, references to the catalogue, and evidence files.
    ///
    /// Exit code 0 when valid (warnings are printed), 2 when not.
    Check {
        /// The declaration (TOML, or JSON with a .json extension).
        file: PathBuf,
        /// Check as of this date (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// `iotlabel sbom ...`
#[derive(Debug, Subcommand)]
pub enum SbomCommand {
    /// Check an SBOM (CycloneDX JSON or XML, SPDX 2 JSON, SPDX 3 JSON-LD) against advisories,
    /// like osv-scanner's offline mode.
    ///
    /// Exit code 0 when no finding is open, 1 when findings are open (affected or under
    /// investigation), 2 when an input is invalid or unreadable.
    Check(SbomCheckArgs),
}

/// `iotlabel sbom check` arguments.
#[derive(Debug, Args)]
pub struct SbomCheckArgs {
    /// The SBOM.
    pub sbom: PathBuf,
    /// Advisories: OSV records (JSON or YAML files, directories of them, zip dumps such as
    /// osv.dev's all.zip) and CSAF 2.0 JSON documents. Repeatable.
    #[arg(long, required = true, num_args = 1.., value_name = "PATH")]
    pub advisories: Vec<PathBuf>,
    /// The CISA Known Exploited Vulnerabilities catalogue (JSON), to flag exploited findings.
    #[arg(long, value_name = "FILE")]
    pub kev: Option<PathBuf>,
    /// The manufacturer's VEX: CycloneDX VEX, OpenVEX or CSAF VEX. Repeatable; when several
    /// statements apply to a finding, the last one given decides.
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t)]
    pub format: SbomFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Report formats of `sbom check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SbomFormat {
    /// Findings grouped by component, known exploited first, each with why it matched.
    #[default]
    Text,
    /// The full report (shape documented on `iotlabel_match::Report`).
    Json,
    /// A CycloneDX 1.6 VEX document.
    CyclonedxVex,
}

/// Report formats of `assess`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum AssessFormat {
    /// A concise terminal report: summary first, then failures with fixes.
    #[default]
    Text,
    /// The full result, stable shape (docs/json.md).
    Json,
    /// OSCAL 1.1.2 assessment-results.
    Oscal,
    /// One self-contained HTML page for colleagues and regulators.
    Html,
    /// Markdown.
    Markdown,
}

/// `iotlabel assess` arguments.
#[derive(Debug, Args)]
pub struct AssessArgs {
    /// The declaration (TOML, or JSON with a .json extension).
    pub file: PathBuf,
    /// Assess against this profile instead of the declared ones (repeatable).
    #[arg(long)]
    pub profile: Vec<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t)]
    pub format: AssessFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Exit with 1 unless this label level is reached.
    #[arg(long, default_value_t = 0)]
    pub min_level: u8,
    /// Assess as of this date (YYYY-MM-DD; default today). Fixes results for reproducibility.
    #[arg(long)]
    pub date: Option<String>,
    /// Labels that system components reference: a JSON object from label id to
    /// {"status", "level", "valid_until", "passed"} as the registry reports them.
    #[arg(long)]
    pub labels: Option<PathBuf>,
    /// Count assessor evidence only when its attestation is verified (as the registry does);
    /// locally such evidence is otherwise taken as declared.
    #[arg(long)]
    pub require_attestation: bool,
}

/// Output format of listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned, wrapped text for people (colour only on a terminal).
    #[default]
    Text,
    /// JSON with the stable shape documented in docs/json.md.
    Json,
}

/// What `catalog list` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListKind {
    /// Security provisions (the default).
    #[default]
    Provisions,
    /// Crosswalks to regimes, guidelines and tables.
    Crosswalks,
    /// Laws, labels and standards a product is judged against.
    Regimes,
    /// Context profiles (consumer baseline, children, health, vehicles, ...).
    Profiles,
    /// Product features that decide which provisions apply.
    Features,
    /// Provision categories.
    Categories,
    /// Real incidents that show why provisions matter.
    Stories,
    /// Themes of the PETRAS international review.
    Themes,
    /// Organisations of the international review, with the themes they engage with.
    Organisations,
    /// Research needs, open questions and key messages of the PETRAS workshop.
    Questions,
}

/// Modality filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModalityArg {
    /// Mandatory ("shall"), conditional or not.
    M,
    /// Recommended ("should"), conditional or not.
    R,
    /// Mandatory under a condition ("M C").
    Mc,
    /// Recommended under a condition ("R C").
    Rc,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The whole resolved catalogue as one JSON file.
    Json,
    /// An OSCAL 1.1.2 catalog plus one OSCAL profile per context profile.
    Oscal,
    /// Readable Markdown pages for review and publication.
    Markdown,
}

/// `iotlabel catalog ...`
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List provisions (filter by regime, profile, category, modality) or other entries.
    List(ListArgs),
    /// Show one entry in both languages, with its crosswalks in both directions.
    ///
    /// ID can be a provision (5.1-1 or etsi-en-303-645@2.1.1:5.1-1), a crosswalk row
    /// (eu-cra-annex-i/i-2-c), or a crosswalk, regime, profile, feature, story, theme,
    /// organisation or question id.
    Show {
        /// The id to show.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Search every text of the catalogue, technical and plain, for all the given words.
    Search {
        /// Words to find (prefixes match: "password" finds "passwords").
        #[arg(required = true)]
        text: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Map one regime onto provisions or onto another regime.
    ///
    /// FROM and TO name a crosswalk (seed-table-2, eu-cra-annex-i, uk-psti, nist-ir-8425, ...),
    /// a regime (eu-cra, uk-psti, us-cyber-trust-mark, ...) or the provisions themselves
    /// (etsi-en-303-645). Example: which ETSI provisions cover CRA Annex I (2)(c)?
    ///   iotlabel catalog crosswalk --from eu-cra --row i-2-c
    Crosswalk {
        /// The regime or crosswalk whose rows are listed.
        #[arg(long)]
        from: String,
        /// Map each row onto this regime or crosswalk too (default: provisions only).
        #[arg(long)]
        to: Option<String>,
        /// Only this row of FROM (its id or its reference).
        #[arg(long)]
        row: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Show provisions added, removed and changed between two catalogue versions, and the
    /// profiles and regimes they touch. A and B are directories or git revisions.
    Diff {
        /// The older catalogue: a directory, or a git revision (e.g. v1.0.0, HEAD~3).
        a: String,
        /// The newer catalogue: a directory or a git revision.
        b: String,
        /// Where the catalogue lives inside the repository, for git revisions.
        #[arg(long, default_value = "catalog")]
        path: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check the catalogue sources and report every problem with file, line and id.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Export the catalogue as JSON, OSCAL 1.1.2 or Markdown.
    Export {
        /// What to write.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Directory to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// `iotlabel catalog list` arguments.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// What to list.
    #[arg(value_enum, default_value_t)]
    pub kind: ListKind,
    /// Only provisions that decide this regime (e.g. uk-psti, eu-cra).
    #[arg(long)]
    pub regime: Option<String>,
    /// Only provisions this profile selects, with the modality the profile gives them.
    #[arg(long)]
    pub profile: Option<String>,
    /// Only provisions of this category, e.g. 5.3.
    #[arg(long)]
    pub category: Option<String>,
    /// Only provisions of this modality.
    #[arg(long, value_enum)]
    pub modality: Option<ModalityArg>,
    /// Only provisions of this source version, e.g. etsi-en-303-645@3.1.3.
    #[arg(long)]
    pub source: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
