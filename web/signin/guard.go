package signin

import (
	"embed"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"

	"incidentbot/i18n"
	"incidentbot/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// Guard lets a request through to next with its web.Viewer in the
// context, or answers it: without any sign-in configured, only a loopback
// request gets through (as a Local viewer) and any other gets a page
// saying how to configure sign-in; with sign-in, a visitor without a
// valid session is sent to the sign-in page (401 where a redirect cannot
// help: a form post, the live-update stream).
func (a *Auth) Guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Private answers are for one person: no shared cache keeps them.
		w.Header().Set("Cache-Control", "private, no-store")
		if v, ok := a.viewer(r); ok {
			next.ServeHTTP(w, r.WithContext(web.WithViewer(r.Context(), v)))
			return
		}
		if !a.Enabled() {
			a.render(w, http.StatusForbidden, "closed.html", view{Lang: a.lang(r), Title: "title.closed"})
			return
		}
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		a.render(w, http.StatusUnauthorized, "signin.html", a.signInView(r, r.URL.RequestURI()))
	})
}

// Page serves GET /signin: a button per configured provider.
func (a *Auth) Page() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if !a.Enabled() {
			if local(r) {
				// Nothing to sign in to: this browser is let in as it is.
				http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
				return
			}
			a.render(w, http.StatusForbidden, "closed.html", view{Lang: a.lang(r), Title: "title.closed"})
			return
		}
		v := a.signInView(r, r.URL.Query().Get("next"))
		if viewer, ok := a.viewer(r); ok {
			v.Title, v.Viewer = "title.signed_in", &viewer
		}
		a.render(w, http.StatusOK, "signin.html", v)
	})
}

// view is what the pages show.
type view struct {
	Lang      string
	Viewer    *web.Viewer // already signed in
	Title     string      // a catalog id under "signin."
	Message   string
	Providers []providerView
	Next      string
	Retry     bool
}

// T is the page's text id (under "signin.") in its language, with data
// from key, value pairs.
func (v view) T(id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return i18n.T(v.Lang, "signin."+id, data)
}

type providerView struct{ Name, Label string }

func (a *Auth) signInView(r *http.Request, next string) view {
	v := view{Lang: a.lang(r), Title: "title.signin", Next: safeNext(next)}
	for _, name := range a.order {
		v.Providers = append(v.Providers, providerView{Name: name, Label: v.T("with", "Provider", a.providers[name].label())})
	}
	return v
}

func (a *Auth) render(w http.ResponseWriter, status int, name string, v view) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, v); err != nil {
		a.logger.Error("render sign-in page", "page", name, "err", err)
	}
}

// local says the request comes from this machine, straight and by a
// loopback name: not through a proxy (which would make every visitor look
// local) and not by a foreign host name that resolves to loopback (DNS
// rebinding would let any web page read the private pages).
func local(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return false
	}
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	return loopbackHost(r.Host)
}

// loopbackHost says host (with or without a port) names this machine.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Identify puts the viewer in the request when there is one (a valid
// session, or a loopback request without any sign-in configured) and
// lets every request through: for a page that is public but says more
// to someone signed in, like the home page.
func (a *Auth) Identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v, ok := a.viewer(r); ok {
			w.Header().Set("Cache-Control", "private, no-store")
			r = r.WithContext(web.WithViewer(r.Context(), v))
		}
		next.ServeHTTP(w, r)
	})
}

// viewer is who r is from, if anyone we know.
func (a *Auth) viewer(r *http.Request) (web.Viewer, bool) {
	if !a.Enabled() {
		return web.Viewer{Local: true}, local(r)
	}
	s, ok := a.readSession(r)
	return web.Viewer{Platform: s.Platform, Workspace: s.Workspace, UserID: s.UserID, Name: s.Name}, ok
}
