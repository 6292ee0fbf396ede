package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"slices"
	"syscall"

	"incidentbot/i18n"
)

// run is the whole program; main only reports its error.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	lang := i18n.Or(i18n.Match(getenv("BOT_LANGUAGE")))
	usage := i18n.T(lang, "cli.run.usage", nil)
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return errors.New(i18n.T(lang, "cli.run.no_command", nil))
	}
	cmd, rest := args[1], args[2:]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch cmd {
	case "playbooks":
		return runPlaybooks(rest, lang, stdout)
	case "slack-manifest":
		return runSlackManifest(rest, stdout, stderr)
	}

	// An unknown command is the first thing to fix, before any variable.
	if !slices.Contains(configuredCommands, cmd) {
		fmt.Fprint(stderr, usage)
		return errors.New(i18n.T(lang, "cli.run.unknown", map[string]any{"Command": cmd}))
	}
	cfg, err := loadConfig(ctx, cmd, getenv)
	if err != nil {
		return err
	}
	interactive := cmd == "demo" || cmd == "console"
	logger, err := newLogger(cfg, getenv("LOG_LEVEL") == "" && interactive, stderr)
	if err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return runServe(ctx, cfg, logger)
	case "migrate":
		return runMigrate(ctx, cfg, logger, stdout)
	case "healthcheck":
		return runHealthcheck(ctx, cfg)
	case cmdRegisterDiscord:
		return runRegisterDiscord(ctx, rest, cfg, logger, stdout, stderr)
	case "demo":
		return runDemo(ctx, rest, cfg, logger, stdout)
	case "console":
		return runConsole(ctx, rest, cfg, logger, stdin, stdout)
	}
	return fmt.Errorf("command %q is listed but not run", cmd)
}

const cmdRegisterDiscord = "register-discord-commands"

// configuredCommands read the environment before they run.
var configuredCommands = []string{"serve", "migrate", "healthcheck", cmdRegisterDiscord, "demo", "console"}

// newLogger builds the one JSON logger the program uses. In the terminal
// modes only warnings and errors are shown unless LOG_LEVEL asks for more,
// so logs do not bury the chat transcript.
func newLogger(cfg config, quiet bool, w io.Writer) (*slog.Logger, error) {
	level, err := parseLevel(cfg.LogLevel)
	if err != nil {
		return nil, err
	}
	if quiet {
		level = slog.LevelWarn
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})), nil
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
