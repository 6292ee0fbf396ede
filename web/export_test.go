package web

import (
	"net/http"
)

// Uncached is the benchmarks' naive baseline: a handler that reads the
// store and renders the page on every request, as one would at first.
func (s *Site) Uncached() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		incs, err := s.incidents(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		lang := s.lang(r)
		page, err := render("status.html", s.view(lang, texts[lang], incs))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
}
