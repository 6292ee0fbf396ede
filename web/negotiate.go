package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
)

// PreferredLanguage picks from supported the language an Accept-Language
// header prefers most ("fr-CH, fr;q=0.9, en;q=0.8" -> "fr"), by primary
// subtag and q-value, the first listed winning ties; "" when none fits.
// Malformed parts are skipped, never an error: a header is only a hint.
func PreferredLanguage(header string, supported []string) string {
	best, bestQ := "", 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		primary, _, _ := strings.Cut(tag, "-")
		q := 1.0
		if p := strings.TrimSpace(params); p != "" {
			v, ok := strings.CutPrefix(p, "q=")
			if !ok {
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if q <= bestQ {
			continue
		}
		for _, s := range supported {
			if primary == s {
				best, bestQ = s, q
				break
			}
		}
	}
	return best
}

// etagOf is a strong ETag of the body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// matchETag reports whether an If-None-Match header names etag (or *).
func matchETag(header, etag string) bool {
	if header == "" {
		return false
	}
	for part := range strings.SplitSeq(header, ",") {
		p := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if p == etag || p == "*" {
			return true
		}
	}
	return false
}

// render executes one page template.
func render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// defaultName names the shop after SHOP_URL's host, "" when there is
// none (the pages then say "our shop" in their language).
func defaultName(shopURL string) string {
	if u, err := url.Parse(shopURL); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return ""
}
