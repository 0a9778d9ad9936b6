namespace NtmWorkflow.Cli;

internal static class Usage
{
    public static void Write(TextWriter output) => output.Write("""
        ntm — NtmWorkflow command-line tool

        Usage:
          ntm validate FILE…
              Checks BPMN files: one JSON line per file ({"file", "valid", "processes", "errors"}).
          ntm run FILE [MORE.bpmn…] --scenario SCENARIO.json [--store memory|sqlite]
              Runs a scenario with a fake clock on an in-memory store (or, with --store sqlite, on the
              app's database store over a temporary SQLite file); prints the trace as JSON lines.
          ntm handlers
              Lists the handler topics service and send tasks may name (camunda:topic), one JSON line each.
          ntm import units FILE [--edition E] [--valid-from yyyy-MM-dd] [--valid-to yyyy-MM-dd]
              Imports a list of administrative units (CSV, as in the bundled editions).
          ntm import units FILE --from-edition E --to-edition E --effective yyyy-MM-dd
              Imports an old → new succession mapping (merge CSV).
          ntm import units --bundled
              Imports every bundled edition and mapping.
            A bundled file's name supplies its dates unless options say otherwise. Importing is
            idempotent: the same file twice changes nothing.
          ntm calendar export [--year YYYY] [FILE]
              Writes the days-off table (lịch nghỉ) as JSON ({"entries": [{date, kind, name, source,
              confirmed}]}) to FILE or stdout.
          ntm calendar import FILE [--actor NAME]
              Checks every entry, then replaces the years FILE covers with its entries; one JSON line.
          ntm backup FOLDER [--pg-bin DIR]
              Copies the database (SQLite: VACUUM INTO; PostgreSQL: pg_dump, custom format) and then every
              document of the store into the new FOLDER, with manifest.json (counts, audit head, SHA-256 of
              each document). Safe while the app runs.
          ntm restore FOLDER [--replace] [--pg-bin DIR]
              Restores a backup into the configured database and document store (stop the app first): refused
              when the database holds dossiers or audit entries unless --replace; every document is checked
              before anything changes; afterwards migrations run and the audit chain and counts are verified.
          ntm audit verify [--expect-head SEQ:HASH]
              Walks the audit table's hash chain; one JSON line ({"intact", "broken": {sequence, reason},
              "head": {sequence, hash, text}}). Deleting the last rows leaves a shorter intact chain: record
              "head.text" (e.g. daily in the operations journal) and pass it later as --expect-head, which
              then also requires that row, unchanged. Exit 0 intact, 1 tampered.
          ntm simulate [--communes N] [--provider Sqlite|Postgres --postgres CONNECTION] [--seed S]
                       [--start yyyy-MM-dd] [--days D] [--opening-days D] [--workers W] [--return-share X]
                       [--late-share X] [--council-reject-share X] [--no-quorum-share X] [--council-every D] [--keep]
                       [--nodes N [--speed X] [--kill-at X] [--down S]]
              A national campaign on a new database of its own (never the configured one): every rural commune
              of the March 2025 list (7,706), or a seeded sample of N, opens a dossier; simulated officials act
              on every step through the app's services with a clock fast-forwarded over the year, timers fire
              and mail goes through the outbox to a pickup folder. Prints throughput, latency per operation,
              timer lateness, mail and peak memory, checks the invariants, and ends with a one-line summary.
              Exit 0 when every invariant holds.
              --nodes N (PostgreSQL): N app processes on the campaign's database, their clock fast-forwarded
              (--speed app seconds per real second, default 40000) with their own timer alarms and outbox
              senders; the officials call their JSON API in turn. With two or more, the second node is killed
              (SIGKILL) when the --kill-at share of the campaign has passed (default 0.4) and started again
              --down seconds later (default 15).

        Options: --verbose (logs to stderr), --help.
        The database comes from the same settings as the web app: environment variables
        Database__Provider (Sqlite|Postgres), Database__ConnectionString, Storage__DataDirectory.

        Exit codes: 0 done (valid, every step held, audit chain intact), 1 refused (invalid file, failed
        step, tampered audit chain; the JSON says why), 2 bad arguments (or, for run, a bad scenario or an
        invalid model).

        """);
}
