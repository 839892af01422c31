// Command console is IAM Console: a self-hosted identity and access
// management console compatible with AWS IAM. With no subcommand it serves
// the console; see `console --help` for the rest.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kong"
)

// Globals are the flags every subcommand takes, each with its environment
// twin.
type Globals struct {
	DB            string `name:"db" env:"CONSOLE_DB" default:"sqlite:console.db" help:"Database: sqlite:PATH (relative to --data-dir) or a postgres:// URL."`
	DataDir       string `name:"data-dir" env:"CONSOLE_DATA_DIR" default:"./data" help:"Directory for the SQLite database and the master key."`
	MasterKeyFile string `name:"master-key-file" env:"CONSOLE_MASTER_KEY_FILE" help:"File with the base64 AES-256 master key (default: DATA_DIR/master.key, made at first start; back it up with the database)."`
	LogFormat     string `name:"log-format" env:"CONSOLE_LOG_FORMAT" enum:"text,json" default:"text" help:"Log format on standard error: text or json."`
	LogLevel      string `name:"log-level" env:"CONSOLE_LOG_LEVEL" enum:"debug,info,warn,error" default:"info" help:"Lowest log level written."`
	MaxUsers      int    `name:"max-users" env:"CONSOLE_MAX_USERS" default:"5000" help:"UsersPerAccount quota (AWS's default is 5,000; raise it as AWS lets you)."`

	// notices is where one-line warnings for the operator go (standard
	// error), such as a master key just made; nil writes none.
	notices io.Writer `kong:"-"`
}

// CLI is the whole command line.
type CLI struct {
	Globals

	Serve        ServeCmd        `cmd:"" default:"withargs" help:"Serve the console and the AWS API (the default)."`
	Bootstrap    BootstrapCmd    `cmd:"" help:"Create the root user without a browser."`
	Admin        AdminCmd        `cmd:"" help:"Operator commands."`
	Backup       BackupCmd       `cmd:"" help:"Copy the SQLite database while the console runs."`
	Export       ExportCmd       `cmd:"" help:"Print the account as GetAccountAuthorizationDetails JSON."`
	Import       ImportCmd       `cmd:"" help:"Load an AWS account's authorization-details dump for review."`
	Graph        GraphCmd        `cmd:"" help:"Print the access graph (DOT or JSON)."`
	WhoCan       WhoCanCmd       `cmd:"" name:"who-can" help:"Who can do an action on a resource, and by which path, including principals outside the account its trust policies let in (JSON)."`
	Findings     FindingsCmd     `cmd:"" help:"What a reviewer should look at (JSON or CSV)."`
	Paths        PathsCmd        `cmd:"" help:"Who can reach full access and by which path, ranked; or how one principal can act as another (JSON, CSV or text)."`
	ReviewReport ReviewReportCmd `cmd:"" name:"review-report" help:"An access review campaign's report: each principal's access, paths to admin, evidence of use, decision and the revocations applied with their audit event IDs (CSV or JSON)."`
	Compare      CompareCmd      `cmd:"" help:"What changed in an account between two snapshots: kept imports, the account now, or an earlier export (JSON or text)."`
	Preview      PreviewCmd      `cmd:"" help:"What a permission change to the live account would do, without making it: who can become admin and by which path, who gains or loses what (JSON or text)."`
	Restore      RestoreCmd      `cmd:"" help:"Replace the SQLite database with a backup (console stopped)."`
}

// description is the help's introduction: what a newcomer needs before the
// list of commands.
const description = `IAM Console: a self-hosted identity and access management console, compatible with AWS IAM.

With no command it serves the console and prints its address and, the first time, a setup: link that creates the root user (or run 'console bootstrap'). 'console admin seed' then builds an account worth reviewing. Access graph drawings need Graphviz (dot, sfdp: apt-get install graphviz, brew install graphviz); everything else works without it. Back up the master key (DATA_DIR/master.key) with the database.`

// exitError ends a command with its own exit status (a check that
// failed, not an error of the command).
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// env is what commands get from main: where to print, and the context that
// ends on SIGINT/SIGTERM.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args and runs the command, returning the exit code: 0 on
// success, 1 when the command failed, 2 for a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cli CLI
	exitCode := -1
	parser, err := kong.New(&cli,
		kong.Name("console"),
		kong.Description(description),
		kong.UsageOnError(),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { exitCode = c }),
		kong.Bind(&env{ctx: ctx, stdout: stdout, stderr: stderr}),
	)
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 2
	}
	kctx, err := parser.Parse(args)
	if exitCode >= 0 { // --help
		return exitCode
	}
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 2
	}
	cli.Globals.notices = stderr
	if err := kctx.Run(&cli.Globals); err != nil {
		fmt.Fprintln(stderr, "console:", err)
		var code exitError
		if errors.As(err, &code) {
			return code.code
		}
		return 1
	}
	return 0
}
