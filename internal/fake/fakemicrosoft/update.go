package fakemicrosoft

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// update serves UpdateCampaigns for status changes: 1 to MaxCampaigns
// campaigns; each is applied or refused on its own, refusals listed in
// PartialErrors with the campaign's Index in the request. Pausing a
// BudgetPaused campaign makes it BudgetAndManualPaused and resuming that
// makes it BudgetPaused, as the service does.
func (s *Server) update(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		AccountID string `json:"AccountId"`
		Campaigns []struct {
			ID     string `json:"Id"`
			Status string `json:"Status"`
		} `json:"Campaigns"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeFault(w, http.StatusBadRequest, apiFault(100, "NullRequest", "The request message is null."))
		return
	}
	switch {
	case len(req.Campaigns) == 0:
		writeFault(w, http.StatusBadRequest, apiFault(1113, "CampaignServiceCampaignsArrayShouldNotBeNullOrEmpty", "Campaigns array should not be null or empty."))
		return
	case len(req.Campaigns) > MaxCampaigns:
		writeFault(w, http.StatusBadRequest, apiFault(1114, "CampaignServiceCampaignsArrayExceedsLimit",
			fmt.Sprintf("The list of campaigns exceeds the limit of %d.", MaxCampaigns)))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items += len(req.Campaigns)
	a := s.accounts[req.AccountID]
	partial := []faultError{}
	for i, u := range req.Campaigns {
		fail := func(code int, errorCode, msg string) {
			empty := ""
			partial = append(partial, faultError{Code: code, ErrorCode: errorCode, Message: msg, Details: &empty, Index: &i, Type: "BatchError"})
		}
		c := a.campaigns[u.ID]
		switch {
		case c == nil || c.Status == Deleted:
			fail(1100, "CampaignServiceInvalidCampaignId", "The campaign identifier is not valid.")
		case u.Status != Active && u.Status != Paused:
			// The code for this refusal is unverified.
			fail(1008, "CampaignServiceInvalidCampaignStatus", "The campaign status is not valid: only Active and Paused can be set.")
		case s.failing[req.AccountID+"/"+u.ID]:
			fail(0, "InternalError", "An internal error has occurred.")
		case u.Status == Paused && (c.Status == BudgetPaused || c.Status == BudgetAndManualPaused):
			c.Status = BudgetAndManualPaused
		case u.Status == Active && (c.Status == BudgetPaused || c.Status == BudgetAndManualPaused):
			c.Status = BudgetPaused
		default:
			c.Status = u.Status
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"PartialErrors": partial})
}
