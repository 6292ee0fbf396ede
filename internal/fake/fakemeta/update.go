package fakemeta

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
)

// update serves POST /<campaign_id> with status=ACTIVE|PAUSED, and
// execution_options=["validate_only"] to check without changing anything.
func (s *Server) update(id string, form url.Values) (int, any, http.Header) {
	validateOnly := false
	if eo := form.Get("execution_options"); eo != "" {
		var opts []string
		if err := json.Unmarshal([]byte(eo), &opts); err != nil {
			return http.StatusBadRequest, graphError(100, 0, "(#100) param execution_options must be an array.", "OAuthException"), nil
		}
		validateOnly = slices.Contains(opts, "validate_only")
	}
	status := form.Get("status")
	s.mu.Lock()
	defer s.mu.Unlock()
	aid, ok := s.owner[id]
	if !ok {
		return http.StatusBadRequest, graphError(100, 33, unsupported(http.MethodPost, id), "GraphMethodException"), nil
	}
	c := s.accounts[aid].campaigns[id]
	switch {
	case status != Active && status != Paused && status != Archived && status != Deleted:
		return http.StatusBadRequest, graphError(100, 0, "(#100) Param status must be one of {ACTIVE, PAUSED, DELETED, ARCHIVED}", "OAuthException"), nil
	case c.Status == Deleted:
		return http.StatusBadRequest, graphError(100, 0, "(#100) A deleted campaign cannot be changed.", "OAuthException"), nil
	case s.failing[id]:
		return http.StatusBadRequest, graphError(100, 33, unsupported(http.MethodPost, id), "GraphMethodException"), nil
	}
	if !validateOnly {
		c.Status = status
	}
	return http.StatusOK, map[string]bool{"success": true}, nil
}
