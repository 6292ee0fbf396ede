package fakemicrosoft

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
)

// maxRequest bounds what the fake reads of a request body.
const maxRequest = 16 << 20

func readAll(r *http.Request) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, maxRequest))
}

var campaignTypes = []string{Search, Shopping, "DynamicSearchAds", Audience, "Hotel", PerformanceMax, "App"}

// query serves GetCampaignsByAccountId: every campaign of the account whose
// type CampaignType lists (Search alone when it is empty), deleted ones
// left out, in one answer with no paging.
func (s *Server) query(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		AccountID    string `json:"AccountId"`
		CampaignType string `json:"CampaignType"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeFault(w, http.StatusBadRequest, apiFault(100, "NullRequest", "The request message is null."))
		return
	}
	types := []string{Search}
	if req.CampaignType != "" {
		types = nil
		// REST takes the flags comma-separated; SOAP's space-separated form is accepted too.
		for t := range strings.FieldsFuncSeq(req.CampaignType, func(r rune) bool { return r == ',' || r == ' ' }) {
			if !slices.Contains(campaignTypes, t) {
				writeFault(w, http.StatusBadRequest, apiFault(1017, "InvalidCampaignType", "The campaign type is not valid: "+t+"."))
				return
			}
			types = append(types, t)
		}
	}
	s.mu.Lock()
	a := s.accounts[req.AccountID]
	out := []map[string]any{}
	for _, id := range a.order {
		c := a.campaigns[id]
		if c.Status == Deleted || !slices.Contains(types, c.Type) {
			continue
		}
		row := map[string]any{"Id": c.ID, "Name": c.Name, "Status": c.Status, "CampaignType": c.Type,
			"BudgetType": "DailyBudgetStandard", "DailyBudget": c.DailyBudget, "BudgetId": nil, "TimeZone": "BrusselsCopenhagenMadridParis",
			"Languages": []string{"French"}, "TrackingUrlTemplate": nil, "Settings": nil}
		if c.DailyBudget == 0 {
			row["BudgetType"], row["DailyBudget"], row["BudgetId"] = nil, nil, "8001"
		}
		out = append(out, row)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"Campaigns": out, "PartialErrors": nil})
}

// getAccount serves Customer Management's GetAccount, trimmed to the
// fields an ad account always has.
func (s *Server) getAccount(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		AccountID string `json:"AccountId"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeFault(w, http.StatusBadRequest, apiFault(100, "NullRequest", "The request message is null."))
		return
	}
	s.mu.Lock()
	var currency, customer string
	if a, ok := s.accounts[req.AccountID]; ok {
		currency, customer = a.currency, a.customer
	}
	refused := s.noAcct
	s.mu.Unlock()
	if refused {
		writeFault(w, http.StatusForbidden, adAPIFault(106, "UserIsNotAuthorized", "The user does not represent a authorized developer."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"Account": map[string]any{
		"Id": req.AccountID, "Name": "Account " + req.AccountID, "Number": "X" + req.AccountID, "CurrencyCode": currency,
		"AccountLifeCycleStatus": "Active", "ParentCustomerId": customer, "TimeZone": "BrusselsCopenhagenMadridParis",
	}})
}
