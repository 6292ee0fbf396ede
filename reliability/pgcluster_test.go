//go:build reliability

package reliability

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pgCluster is a throwaway Postgres instance of the suite's own, in a
// temporary folder on a free port, made with the system's server binaries;
// the system's cluster is never touched.
type pgCluster struct {
	t    *testing.T
	bin  string // folder of initdb, pg_ctl
	data string
	port int
	as   []string // runuser prefix when the suite runs as root
}

// newPGCluster initdbs and starts a cluster, or skips when no server
// binaries are installed.
func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("no Postgres server binaries under /usr/lib/postgresql/*/bin: skipping the Postgres restart scenario")
	}
	dir, err := os.MkdirTemp("", "incidentbot-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgCluster{t: t, bin: filepath.Dir(bins[len(bins)-1]), data: filepath.Join(dir, "data"), port: freePort(t)}
	t.Cleanup(func() {
		p.ctl("stop", "-m", "immediate")
		os.RemoveAll(dir)
	})
	// initdb refuses root: run the server binaries as postgres then.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root and no postgres user to run initdb as: skipping")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		p.as = []string{"runuser", "-u", "postgres", "--"}
	}
	p.run("initdb", "-D", p.data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
	p.start()
	return p
}

func (p *pgCluster) command(tool string, args ...string) *exec.Cmd {
	argv := append(append(append([]string{}, p.as...), filepath.Join(p.bin, tool)), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = filepath.Dir(p.data)
	return cmd
}

func (p *pgCluster) run(tool string, args ...string) {
	p.t.Helper()
	if out, err := p.command(tool, args...).CombinedOutput(); err != nil {
		p.t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
}

func (p *pgCluster) ctl(args ...string) error {
	return p.command("pg_ctl", append([]string{"-D", p.data}, args...)...).Run()
}

// start starts the server and waits until it takes connections.
func (p *pgCluster) start() {
	p.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", p.port, filepath.Dir(p.data))
	p.run("pg_ctl", "-D", p.data, "-o", opts, "-l", filepath.Join(filepath.Dir(p.data), "server.log"), "-w", "-t", "30", "start")
}

// stop stops the server, closing every connection (a restart, a failover).
func (p *pgCluster) stop() {
	p.t.Helper()
	p.run("pg_ctl", "-D", p.data, "-m", "fast", "-w", "stop")
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
	_, port, err := net.SplitHostPort(freeAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(port)
	return n
}
