//! The command line: argument parsing, wiring the stages together, writing the
//! report and choosing the exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use crate::config::{Config, FailOn};
use crate::engine::{Engine, Selection};
use crate::error::UsageError;
use crate::input::discover::{Origin, Walk};
use crate::report::{self, OutputFormat, Report};
use crate::rules::RuleSet;
use crate::syntax::parse::Limits;

mod readiness;

/// `eprintln!` that never panics: with `2>&1 | head`, stderr closes too, and a lost note must
/// not end the run with a panic.
macro_rules! to_stderr {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "ims-preflight",
    version,
    about = "Pre-flight checker for Huawei Cloud full-ECS (whole) images",
    long_about = "Checks inventories of servers, backups, planned CreateWholeImage request bodies and planned image operations against every restriction Huawei documents for full-ECS images.\n\nExit codes: 0 = no finding at or above --fail-on; 1 = at least one such finding (an unparsable file counts as an error); 2 = the tool could not do its job (bad usage, bad config or rule file, missing path, no inventory found)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Language of messages, help and remediation: en or zh-CN (default: IMS_PREFLIGHT_LANG,
    /// then LC_ALL, LC_MESSAGES, LANG). Rule ids, JSON keys and exit codes do not change.
    #[arg(long, global = true, value_enum)]
    pub lang: Option<crate::rules::Lang>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaFormat {
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

/// The variables of Terraform root modules, as `terraform plan` takes them.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct TerraformArgs {
    /// Terraform: a variable definitions file for the root modules (repeatable, as
    /// `terraform plan -var-file`).
    #[arg(long = "var-file", value_name = "FILE", help_heading = "Terraform")]
    pub var_files: Vec<PathBuf>,
    /// Terraform: set a root module variable, NAME=VALUE (repeatable, as `terraform plan -var`).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = crate::model::terraform::Options::parse_var, help_heading = "Terraform")]
    pub vars: Vec<(String, String)>,
    /// How many `--var-file`s come before each `--var` on the command line (see
    /// [`TerraformArgs::order_from`]).
    #[arg(skip)]
    pub files_before: Vec<usize>,
}

impl TerraformArgs {
    /// Where each `--var` stands among the `--var-file`s: Terraform applies them in the order
    /// given, a later one winning, so `--var x=1 --var-file f` takes `f`'s `x`.
    fn order_from(&mut self, matches: &clap::ArgMatches) {
        let files: Vec<usize> = matches
            .indices_of("var_files")
            .map(Iterator::collect)
            .unwrap_or_default();
        let vars = matches.indices_of("vars").into_iter().flatten();
        self.files_before = vars
            .map(|at| files.iter().filter(|&&f| f < at).count())
            .collect();
    }

    /// The options the model reads, the files' paths made absolute from `cwd`.
    fn options(&self, cwd: &std::path::Path) -> crate::model::terraform::Options {
        crate::model::terraform::Options {
            var_files: self
                .var_files
                .iter()
                .map(|p| crate::input::source::normalize(&cwd.join(p)))
                .collect(),
            vars: self.vars.clone(),
            files_before: self.files_before.clone(),
            env: crate::model::terraform::Options::from_env(),
            planned: Vec::new(),
        }
    }
}

#[derive(Debug, Default, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check (`-` reads stdin).
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Config file (default: .ims-preflight.yaml in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULE,...", value_parser = rule_id)]
    pub select: Vec<String>,
    /// Skip these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULE,...", value_parser = rule_id)]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the exit code 1 (default: error, or the config's fail_on).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Unknowns are errors: a request whose restrictions cannot all be verified fails
    /// (`request-unverified` at error severity; config `strict: true`).
    #[arg(long)]
    pub strict: bool,
    /// Load extra rule files from DIR (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Colour: auto honours NO_COLOR, FORCE_COLOR and whether the output is a terminal.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// Print nothing but findings.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also list every file read and skipped (no inventory, API dump or host facts in it),
    /// and repeat each rule's help and remediation for every one of its findings.
    #[arg(long)]
    pub verbose: bool,
    /// Columns the human output fits in (default: `COLUMNS`, the terminal's width, or 100).
    #[arg(long, value_name = "N")]
    pub width: Option<usize>,
    /// Follow symbolic links while walking directories.
    #[arg(long)]
    pub follow_links: bool,
    #[command(flatten)]
    pub terraform: TerraformArgs,
    /// Also list suppressed findings (marked as such).
    #[arg(long)]
    pub show_suppressed: bool,
    /// Also write a report in another format: FORMAT=FILE (repeatable), e.g. sarif=results.sarif.
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<(OutputFormat, PathBuf)>,
    /// Print the effective configuration, and where each value came from, then exit.
    #[arg(long)]
    pub show_config: bool,
    /// Record the current findings in FILE (keyed by file, rule, entity and pointer; no lines).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings not recorded in the baseline FILE; list entries that no longer match.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Largest file read, in bytes.
    #[arg(long, value_name = "BYTES", help_heading = "Limits")]
    pub max_file_bytes: Option<u64>,
    /// Deepest nesting of lists and mappings.
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub max_depth: Option<usize>,
    /// Most nodes in one file.
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub max_nodes: Option<usize>,
    /// Most nodes aliases may copy in one file.
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub max_alias_nodes: Option<usize>,
    /// Longest line, in bytes.
    #[arg(long, value_name = "BYTES", help_heading = "Limits")]
    pub max_line_length: Option<usize>,
    /// Most files one run reads.
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub max_files: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check inventory files and directories.
    Check(Box<CheckArgs>),
    /// One row per request: ready, blocked (and by which rules) or unverified (and what is
    /// missing); `--servers` adds the servers no request uses.
    Readiness(Box<readiness::ReadinessArgs>),
    /// List all rules: id, default severity, applies to, title.
    Rules {
        /// Also list custom rules from DIR.
        #[arg(long = "rules", value_name = "DIR")]
        rule_dirs: Vec<PathBuf>,
        /// `human` table, `json`, or the `markdown` table of the README.
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// Print a rule's full documentation: restriction, source, rationale, remediation, examples.
    Explain {
        rule: String,
        #[arg(long = "rules", value_name = "DIR")]
        rule_dirs: Vec<PathBuf>,
        /// Columns to fit (default: `COLUMNS`, the terminal's width, or 100).
        #[arg(long, value_name = "N")]
        width: Option<usize>,
    },
    /// Print the JSON Schema of the inventory format (`--format markdown`: the reference page,
    /// docs/inventory.md).
    Schema {
        #[arg(long, value_enum, default_value = "json")]
        format: SchemaFormat,
    },
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    #[command(hide = true)]
    Manpage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    /// The README's rule table.
    Markdown,
}

pub fn main() -> i32 {
    use clap::{CommandFactory, FromArgMatches};
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Ok((Cli::from_arg_matches(&matches)?, matches)));
    let cli = match parsed {
        Ok((mut cli, matches)) => {
            match (&mut cli.command, matches.subcommand()) {
                (Command::Check(args), Some((_, sub))) => args.terraform.order_from(sub),
                (Command::Readiness(args), Some((_, sub))) => args.terraform.order_from(sub),
                _ => {}
            }
            cli
        }
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    crate::rules::Lang::set(crate::rules::Lang::select(cli.lang));
    let choice = match &cli.command {
        Command::Check(args) => args.color,
        _ => Color::Auto,
    };
    let stderr_color = use_color(choice, std::io::stderr().is_terminal());
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let _ = std::io::stderr().write_all(e.render(stderr_color).as_bytes());
            EXIT_USAGE
        }
    }
}

fn run(cli: Cli) -> Result<i32, UsageError> {
    match cli.command {
        Command::Check(args) => check(*args),
        Command::Readiness(args) => readiness::readiness(*args),
        Command::Rules { rule_dirs, format } => {
            let rules = load_rules(&rule_dirs, discovered_config()?.as_ref())?;
            let text = match format {
                ListFormat::Markdown => crate::docs::markdown_table(&rules),
                _ => crate::docs::rule_list(&rules, format == ListFormat::Json),
            };
            Ok(emit(&text, None))
        }
        Command::Explain {
            rule,
            rule_dirs,
            width,
        } => {
            let rules = load_rules(&rule_dirs, discovered_config()?.as_ref())?;
            let Some(r) = rules.get(&rule) else {
                return Err(UsageError::msg(crate::config::unknown_rule(&rule, &rules)));
            };
            let width = report::width(width, std::io::stdout().is_terminal());
            // The examples are files: shown as written, not wrapped.
            let text = crate::docs::explain(r);
            let cut = text
                .find(crate::rules::say("\nFailing example\n", "\n不通过的示例\n"))
                .unwrap_or(text.len());
            let (prose, examples) = text.split_at(cut);
            let shown = format!("{}{examples}", report::wrap::wrap(prose, width));
            Ok(emit(&shown, None))
        }
        Command::Schema { format } => match format {
            SchemaFormat::Json => {
                let text = serde_json::to_string_pretty(&crate::model::schema::json_schema())
                    .unwrap_or_default();
                Ok(emit(&format!("{text}\n"), None))
            }
            SchemaFormat::Markdown => {
                let rules = RuleSet::builtin()?;
                let text = crate::model::schema::markdown(&|kind, key| {
                    crate::docs::rules_reading(&rules, kind, key)
                });
                Ok(emit(&text, None))
            }
        },
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ims-preflight", &mut out);
            Ok(emit(&String::from_utf8_lossy(&out), None))
        }
        Command::Manpage => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| UsageError::msg(format!("cannot render the man page: {e}")))?;
            Ok(emit(&String::from_utf8_lossy(&out), None))
        }
    }
}

/// The config `rules` and `explain` use, so custom rules from `rule_paths` are listed too.
fn discovered_config() -> Result<Option<Config>, UsageError> {
    let cwd = std::env::current_dir().unwrap_or_default();
    Config::discover(&cwd)
        .map(|p| Config::load(&p, &crate::input::source::display_path(&p, &cwd)))
        .transpose()
}

fn load_rules(dirs: &[PathBuf], config: Option<&Config>) -> Result<RuleSet, UsageError> {
    let mut rules = RuleSet::builtin()?;
    let cwd = std::env::current_dir().unwrap_or_default();
    for dir in dirs {
        rules.load_custom(dir, &crate::input::source::display_path(dir, &cwd))?;
    }
    if let Some(config) = config {
        for p in &config.file.rule_paths {
            let path = config.base_dir().join(p);
            rules.load_custom(&path, p)?;
        }
    }
    rules.localize(crate::rules::Lang::current());
    Ok(rules)
}

/// Write text to a file or stdout; a closed stdout (`| head`) ends quietly.
fn emit(text: &str, output: Option<&PathBuf>) -> i32 {
    write_out(output, &mut |out| out.write_all(text.as_bytes()))
}

fn write_report(format: OutputFormat, report: &Report, output: Option<&PathBuf>) -> i32 {
    write_out(output, &mut |out| report::write(format, report, out))
}

/// Write to a file or standard output. A closed pipe (`| head`) is not an error. A file is
/// written beside its place and renamed over it once complete: a report may quote the checked
/// files, and `--output` may name one of them.
fn write_out(
    output: Option<&PathBuf>,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> i32 {
    match output {
        Some(path) => {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let partial = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
            let written = std::fs::File::create(&partial)
                .and_then(|file| {
                    let mut out = std::io::BufWriter::new(file);
                    write(&mut out)?;
                    out.flush()
                })
                .and_then(|()| std::fs::rename(&partial, path));
            if let Err(e) = written {
                let _ = std::fs::remove_file(&partial);
                to_stderr!("error: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = write(&mut out).and_then(|()| out.flush());
        }
    }
    EXIT_OK
}

fn use_color(choice: Color, to_terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            if std::env::var_os("FORCE_COLOR").is_some_and(|v| !v.is_empty() && v != "0") {
                true
            } else if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else {
                to_terminal
            }
        }
    }
}

/// The limits given on the command line, as a layer over the config's.
fn limit_flags(args: &CheckArgs) -> crate::config::LimitsFile {
    crate::config::LimitsFile {
        max_file_bytes: args.max_file_bytes,
        max_depth: args.max_depth,
        max_nodes: args.max_nodes,
        max_alias_nodes: args.max_alias_nodes,
        max_line_length: args.max_line_length,
        max_files: args.max_files,
    }
}

/// Defaults, then the config file, then the command line.
fn limits(args: &CheckArgs, config: &Config) -> Limits {
    limit_flags(args).apply(config.limits(Limits::default()))
}

/// What a run of the engine gives the commands that report on it.
struct Ran {
    rules: RuleSet,
    config: Config,
    outcome: crate::engine::Outcome,
    /// The rules that are reported (configured, selected).
    reported: std::collections::HashSet<String>,
}

/// Load the configuration and the rules, walk the paths and run the engine (for `readiness`,
/// with its rows); `Err(Ok(code))` when the run ends early (`--show-config`).
fn run_engine(args: &CheckArgs, readiness: Option<bool>) -> Result<Ran, Result<i32, UsageError>> {
    let cwd = std::env::current_dir()
        .map_err(|e| Err(UsageError::msg(format!("no working directory: {e}"))))?;
    let config_path = match &args.config {
        Some(p) if !p.is_file() => {
            return Err(Err(UsageError::msg(format!(
                "config file {} does not exist",
                p.display()
            ))));
        }
        Some(p) => Some(p.clone()),
        None => Config::discover(&cwd),
    };
    let config = match &config_path {
        Some(p) => Config::load(p, &crate::input::source::display_path(p, &cwd)).map_err(Err)?,
        None => Config::default(),
    };
    let rules = load_rules(&args.rule_dirs, Some(&config)).map_err(Err)?;
    config.validate(&rules).map_err(Err)?;
    for id in args.select.iter().chain(&args.ignore) {
        if rules.get(id).is_none() {
            return Err(Err(UsageError::msg(crate::config::unknown_rule(
                id, &rules,
            ))));
        }
    }
    if let Some(id) = args
        .ignore
        .iter()
        .find(|id| crate::config::ALWAYS_ERRORS.contains(&id.as_str()))
    {
        return Err(Err(UsageError::msg(crate::config::always_error(id))));
    }
    let limits = limits(args, &config);
    if args.show_config {
        let text = show_config(args, &config, config_path.as_deref(), &rules, &limits);
        return Err(Ok(emit(&text, args.output.as_ref())));
    }
    let exclude_base = config.base_dir();
    let walk = Walk {
        cwd: &cwd,
        exclude: &config.file.exclude,
        exclude_base: &exclude_base,
        follow_links: args.follow_links,
    };
    let found = walk.run(&args.paths).map_err(Err)?;
    let stdin = if found.inputs.iter().any(|i| i.origin == Origin::Stdin) {
        let mut buf = Vec::new();
        let _ = std::io::stdin()
            .take(limits.max_file_bytes + 1)
            .read_to_end(&mut buf);
        Some(buf)
    } else {
        None
    };
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        strict: args.strict || config.file.strict,
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let terraform = args.terraform.options(&cwd);
    let engine = Engine {
        terraform: &terraform,
        rules: &rules,
        config: &config,
        selection: &selection,
        limits: &limits,
        prune: true,
        list_entities: std::iter::once(args.format)
            .chain(args.reports.iter().map(|(format, _)| *format))
            .any(|format| format == OutputFormat::Junit),
    };
    let mut outcome = match readiness {
        None => engine.check(&found.inputs, stdin.as_deref()),
        Some(servers) => engine.readiness(&found.inputs, stdin.as_deref(), servers),
    }
    .map_err(Err)?;
    // The process ends after the report: the entities the run read are left to the exit.
    std::mem::forget(std::mem::take(&mut outcome.whole));
    if !args.quiet {
        for note in &found.notes {
            to_stderr!("note: {note}");
        }
    }
    if args.verbose {
        for name in &outcome.skipped {
            to_stderr!(
                "note: skipped {name}: no inventory document, cloud API dump or host facts in it"
            );
        }
    }
    let reported = rules
        .ids()
        .filter(|id| engine.level(id).is_some())
        .map(String::from)
        .collect();
    Ok(Ran {
        rules,
        config,
        outcome,
        reported,
    })
}

fn check(args: CheckArgs) -> Result<i32, UsageError> {
    let Ran {
        rules,
        config,
        mut outcome,
        reported,
    } = match run_engine(&args, None) {
        Ok(ran) => ran,
        Err(end) => return end,
    };
    if let Some(path) = &args.write_baseline {
        // Recording the findings is the job: it succeeded, whatever they are (as
        // `ruff --add-noqa` does), and the report is not printed again.
        let n = crate::baseline::write(path, &outcome.findings)?;
        if !args.quiet {
            to_stderr!(
                "wrote {} to the baseline {}; check with --baseline {}",
                plural(n, "finding"),
                path.display(),
                path.display()
            );
        }
        return Ok(EXIT_OK);
    }
    if let Some(path) = &args.baseline {
        let stale = crate::baseline::apply(path, &mut outcome.findings)?;
        if !stale.is_empty() && !args.quiet {
            to_stderr!(
                "note: {} of the baseline {} no longer {} a finding (fixed?); shrink it with --write-baseline:",
                plural(stale.len(), "entry"),
                path.display(),
                if stale.len() == 1 { "matches" } else { "match" }
            );
            for e in &stale {
                to_stderr!("  {e}");
            }
        }
    }
    let fail_on = args
        .fail_on
        .or(config.file.fail_on)
        .unwrap_or(FailOn::Error);
    let failed = outcome
        .findings
        .iter()
        .any(|f| f.is_active() && fail_on.fails(f.severity));
    let count = |pred: fn(&crate::finding::Finding) -> bool| {
        outcome.findings.iter().filter(|f| pred(f)).count()
    };
    let checked = || outcome.checked(&rules, &|id| reported.contains(id));
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let report_for = |color: bool| Report {
        findings: outcome
            .findings
            .iter()
            .filter(|f| (args.show_suppressed && !f.baselined) || f.is_active())
            .collect(),
        suppressed: count(|f| f.suppressed.is_some()),
        baselined: count(|f| f.baselined),
        files: outcome.files,
        documents: outcome.documents,
        rules: &rules,
        checked: &checked,
        color,
        quiet: args.quiet,
        width: crate::report::width(args.width, to_terminal),
        verbose: args.verbose,
    };
    let main = report_for(use_color(args.color, to_terminal));
    if write_report(args.format, &main, args.output.as_ref()) == EXIT_USAGE {
        return Ok(EXIT_USAGE);
    }
    if args.format == OutputFormat::Compact && !args.quiet {
        to_stderr!("{}", main.summary_line());
    }
    for (format, path) in &args.reports {
        if write_report(*format, &report_for(false), Some(path)) == EXIT_USAGE {
            return Ok(EXIT_USAGE);
        }
    }
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

/// `--report FORMAT=FILE`: an extra report written beside the main one.
fn parse_report(text: &str) -> Result<(OutputFormat, PathBuf), String> {
    use clap::ValueEnum;
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE (e.g. sarif=results.sarif), got `{text}`"))?;
    let format = OutputFormat::from_str(format, true).map_err(|_| {
        let names: Vec<String> = OutputFormat::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!(
            "unknown format `{format}`; expected one of {}",
            names.join(", ")
        )
    })?;
    if path.is_empty() {
        return Err("the report file name is empty".into());
    }
    Ok((format, PathBuf::from(path)))
}

/// `--show-config`: every effective setting with its origin (default, config file or flag).
fn show_config(
    args: &CheckArgs,
    config: &Config,
    path: Option<&std::path::Path>,
    rules: &RuleSet,
    limits: &Limits,
) -> String {
    let file = match path {
        Some(_) => config.shown(),
        None => "none".into(),
    };
    let origin = |flag: bool, in_config: bool| {
        if flag {
            "command line".to_string()
        } else if in_config {
            format!("config {file}")
        } else {
            "default".to_string()
        }
    };
    let mut out = format!("# effective configuration\nconfig_file: {file}\n");
    let fail_on = args
        .fail_on
        .or(config.file.fail_on)
        .unwrap_or(FailOn::Error);
    out.push_str(&format!(
        "fail_on: {}  # {}\n",
        format!("{fail_on:?}").to_lowercase(),
        origin(args.fail_on.is_some(), config.file.fail_on.is_some())
    ));
    out.push_str(&format!(
        "exclude: {:?}  # {}\n",
        config.file.exclude,
        origin(false, !config.file.exclude.is_empty())
    ));
    let mut paths: Vec<String> = args
        .rule_dirs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    paths.extend(config.file.rule_paths.iter().cloned());
    out.push_str(&format!(
        "rule_paths: {paths:?}  # {}\n",
        origin(
            !args.rule_dirs.is_empty(),
            !config.file.rule_paths.is_empty()
        )
    ));
    out.push_str("rules:\n");
    for r in &rules.rules {
        let level = config.file.rules.get(&r.id);
        let selected =
            (args.select.is_empty() || args.select.contains(&r.id)) && !args.ignore.contains(&r.id);
        let (value, why) = if !selected {
            ("off".to_string(), "--select/--ignore".to_string())
        } else if let Some(level) = level {
            (
                format!("{level:?}").to_lowercase(),
                format!("config {file}"),
            )
        } else {
            (
                r.severity.as_str().to_string(),
                if r.origin == "built-in" {
                    "default".into()
                } else {
                    r.origin.clone()
                },
            )
        };
        out.push_str(&format!("  {}: {value}  # {why}\n", r.id));
    }
    out.push_str(&format!(
        "ignore: {}  # {}\n",
        plural(config.file.ignore.len(), "entry"),
        origin(false, !config.file.ignore.is_empty())
    ));
    out.push_str("limits:\n");
    let effective = crate::config::LimitsFile {
        max_file_bytes: Some(limits.max_file_bytes),
        max_depth: Some(limits.max_depth),
        max_nodes: Some(limits.max_nodes),
        max_alias_nodes: Some(limits.max_alias_nodes),
        max_line_length: Some(limits.max_line_length),
        max_files: Some(limits.max_files),
    };
    let rows = effective
        .entries()
        .into_iter()
        .zip(limit_flags(args).entries())
        .zip(config.file.limits.entries())
        .map(|(((name, value), (_, flag)), (_, file))| {
            (
                name,
                value.unwrap_or_default(),
                flag.is_some(),
                file.is_some(),
            )
        });
    for (name, value, flag, in_config) in rows {
        out.push_str(&format!(
            "  {name}: {value}  # {}\n",
            origin(flag, in_config)
        ));
    }
    out
}

/// A rule id in a `--select`/`--ignore` list: `a, b` (quoted, with a space) means `a,b`.
fn rule_id(text: &str) -> Result<String, std::convert::Infallible> {
    Ok(text.trim().to_string())
}

/// `1 finding`, `2 findings`, `1 entry`, `3 entries`.
fn plural(n: usize, word: &str) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => format!("1 {word}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {word}s"),
    }
}
