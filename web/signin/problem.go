package signin

import (
	"errors"
	"net/http"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/web"
)

// problem is a sign-in that cannot go on: its error code (the page's HTTP
// status) and what the page says, a catalog message under
// "signin.problem.", in the visitor's language.
type problem struct {
	code string
	id   string
	data map[string]any
	err  error // the cause, for the log
}

func refuse(code, id string, data map[string]any, cause error) *problem {
	return &problem{code: code, id: id, data: data, err: cause}
}

// about is the data of a message naming a provider.
func about(provider string) map[string]any { return map[string]any{"Provider": provider} }

func (p *problem) Error() string {
	msg := i18n.T(i18n.Default, "signin.problem."+p.id, p.data)
	if p.err != nil {
		return msg + ": " + p.err.Error()
	}
	return msg
}

func (p *problem) Unwrap() error { return p.err }

var statusOf = map[string]int{
	incidentbot.EINVALID:      http.StatusBadRequest,
	incidentbot.ENOTFOUND:     http.StatusNotFound,
	incidentbot.EUNAUTHORIZED: http.StatusUnauthorized,
	incidentbot.EFORBIDDEN:    http.StatusForbidden,
	incidentbot.EUNAVAILABLE:  http.StatusBadGateway,
}

// fail answers a sign-in that went wrong with a page saying why, with the
// status of its code; the whole chain goes to the log.
func (a *Auth) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, code, id, data := http.StatusInternalServerError, incidentbot.EINTERNAL, "internal", map[string]any(nil)
	var p *problem
	if errors.As(err, &p) {
		code, id, data = p.code, p.id, p.data
		if s, ok := statusOf[p.code]; ok {
			status = s
		}
	}
	if status >= 500 {
		a.logger.ErrorContext(r.Context(), "sign-in failed", "path", r.URL.Path, "code", code, "err", err)
	} else {
		a.logger.WarnContext(r.Context(), "sign-in refused", "path", r.URL.Path, "code", code, "err", err)
	}
	lang := a.lang(r)
	a.render(w, status, "problem.html", view{Lang: lang, Title: "title.problem", Message: i18n.T(lang, "signin.problem."+id, data), Retry: a.Enabled(), Next: "/"})
}

// lang is the page language: ?lang= when the catalog speaks it, else the
// browser's preference, else the configured one.
func (a *Auth) lang(r *http.Request) string {
	return i18n.Or(i18n.Match(r.URL.Query().Get("lang")), web.PreferredLanguage(r.Header.Get("Accept-Language"), i18n.Supported), a.language)
}
