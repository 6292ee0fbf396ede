package server

import (
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// handlePprof serves Go's profiler (DEBUG_PPROF=true) to loopback clients
// only: profiles show memory and command lines, and a CPU profile costs
// CPU, so no one else may ask. A request relayed by a proxy (it says so in
// X-Forwarded-For or Forwarded) is refused too, since the proxy's own
// address may be the loopback one.
func handlePprof() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fromLoopback(r) {
			http.Error(w, "the profiler answers loopback clients only", http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// fromLoopback reports a request made directly from this host.
func fromLoopback(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ProfileContention turns on the block and mutex profiles that
// /debug/pprof/ serves (off by default: they cost a little on every
// contended lock and channel wait). Call it once at start, with DEBUG_PPROF.
func ProfileContention() {
	runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	runtime.SetMutexProfileFraction(10)
}
