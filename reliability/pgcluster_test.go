//go:build reliability

package reliability

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pgCluster is a throwaway Postgres instance of the suite's own, in a
// temporary folder on a free port, run with the system's server binaries
// as a child of the test (it dies with it); the system's cluster is never
// touched.
type pgCluster struct {
	t    *testing.T
	bin  string // folder of initdb and postgres
	dir  string
	port int
	cred *syscall.Credential // the postgres user's, when the suite runs as root (initdb refuses root)

	server *exec.Cmd
	exited chan struct{}
}

// newPGCluster initdbs and starts a cluster, or skips when no server
// binaries are installed.
func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("no Postgres server binaries under /usr/lib/postgresql/*/bin: skipping")
	}
	dir, err := os.MkdirTemp("", "incidentbot-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgCluster{t: t, bin: filepath.Dir(bins[len(bins)-1]), dir: dir, port: freePort(t)}
	t.Cleanup(func() {
		if p.server != nil {
			p.signal(syscall.SIGCONT) // were it left frozen
			p.server.Process.Kill()
			<-p.exited
		}
		os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root and no postgres user to run the server as: skipping")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		p.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	initdb := p.command("initdb", "-D", p.data(), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	p.start()
	return p
}

func (p *pgCluster) data() string { return filepath.Join(p.dir, "data") }

func (p *pgCluster) command(tool string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(p.bin, tool), args...)
	cmd.Dir = p.dir
	// Killed with the test, whatever ends it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred, Pdeathsig: syscall.SIGKILL}
	return cmd
}

// start starts the server and waits until it takes connections.
func (p *pgCluster) start() {
	p.t.Helper()
	p.server = p.command("postgres", "-D", p.data(), "-p", strconv.Itoa(p.port), "-k", p.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off")
	logs := &syncBuffer{}
	p.server.Stdout, p.server.Stderr = logs, logs
	if err := p.server.Start(); err != nil {
		p.t.Fatalf("start postgres: %v", err)
	}
	exited := make(chan struct{})
	p.exited = exited
	go func(cmd *exec.Cmd) { cmd.Wait(); close(exited) }(p.server)
	admin, err := sql.Open("postgres", p.dsn("postgres"))
	if err != nil {
		p.t.Fatal(err)
	}
	defer admin.Close()
	waitUntil(p.t, 30*time.Second, "postgres takes connections", func() bool {
		select {
		case <-exited:
			p.t.Fatalf("postgres stopped at start: %s", logs.String())
		default:
		}
		return admin.PingContext(context.Background()) == nil
	})
}

// stop shuts the server down as a restart or a failover does (fast
// shutdown: every connection closed) and waits until it is gone.
func (p *pgCluster) stop() {
	p.t.Helper()
	p.server.Process.Signal(syscall.SIGINT)
	select {
	case <-p.exited:
		p.server = nil
	case <-time.After(30 * time.Second):
		p.t.Fatal("postgres did not stop within 30 s")
	}
}

// freeze stops every process of the server with SIGSTOP: connections stay
// open and nothing answers, as when its disk or VM stalls.
func (p *pgCluster) freeze() { p.signal(syscall.SIGSTOP) }

// thaw resumes a frozen server.
func (p *pgCluster) thaw() { p.signal(syscall.SIGCONT) }

// signal sends sig to the postmaster and its children (the backends).
func (p *pgCluster) signal(sig syscall.Signal) {
	if p.server == nil {
		return
	}
	pid := p.server.Process.Pid
	pids := []int{pid}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after ")".
		_, rest, ok := strings.Cut(string(b), ") ")
		fields := strings.Fields(rest)
		if ok && len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			pids = append(pids, child)
		}
	}
	for _, id := range pids {
		syscall.Kill(id, sig) // a backend may have exited meanwhile
	}
}

// database creates a database and returns its DSN.
func (p *pgCluster) database(name string) string {
	p.t.Helper()
	admin, err := sql.Open("postgres", p.dsn("postgres"))
	if err != nil {
		p.t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		p.t.Fatalf("create database: %v", err)
	}
	return p.dsn(name)
}

func (p *pgCluster) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, db)
}

func freePort(t *testing.T) int {
	t.Helper()
	_, port, _ := strings.Cut(freeAddr(t), ":")
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
