package fakegoogleads

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

type mutateRequest struct {
	Operations []struct {
		UpdateMask string `json:"updateMask"`
		Update     *struct {
			ResourceName string `json:"resourceName"`
			Status       string `json:"status"`
		} `json:"update"`
	} `json:"operations"`
	PartialFailure      bool   `json:"partialFailure"`
	ValidateOnly        bool   `json:"validateOnly"`
	ResponseContentType string `json:"responseContentType"`
}

// mutate serves campaigns:mutate for status updates. Without
// partialFailure one failing operation fails the request and nothing is
// applied; with it, valid operations apply and failures are reported by
// operation index in partialFailureError. validateOnly applies nothing and
// answers {} when every operation is valid.
func (s *Server) mutate(w http.ResponseWriter, r *http.Request, customerID string) {
	var req mutateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeFailure(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ops += len(req.Operations)
	switch {
	case len(req.Operations) == 0:
		writeFailure(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			[]adsError{{ErrorCode: map[string]string{"requestError": "OPERATIONS_REQUIRED"}, Message: "At least one operation is required."}})
		return
	case len(req.Operations) > MaxOperations:
		writeFailure(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			[]adsError{{ErrorCode: map[string]string{"requestError": "TOO_MANY_MUTATE_OPERATIONS"},
				Message: fmt.Sprintf("Too many mutate operations in one request: %d, the limit is %d.", len(req.Operations), MaxOperations)}})
		return
	}

	cu := s.customers[customerID]
	var errs []adsError
	apply := make([]*Campaign, len(req.Operations))
	results := make([]map[string]string, len(req.Operations))
	for i, op := range req.Operations {
		fail := func(kind, enum, msg, trigger string) {
			e := adsError{ErrorCode: map[string]string{kind: enum}, Message: msg,
				Location: &location{FieldPathElements: []pathElement{{FieldName: "operations", Index: &i}, {FieldName: "update"}}}}
			if trigger != "" {
				e.Trigger = map[string]string{"stringValue": trigger}
			}
			errs = append(errs, e)
			results[i] = map[string]string{}
		}
		if op.Update == nil {
			fail("requestError", "REQUIRED_FIELD_MISSING", "Only update operations are supported by this fake.", "")
			continue
		}
		name := op.Update.ResourceName
		id, ok := strings.CutPrefix(name, "customers/"+customerID+"/campaigns/")
		c := cu.campaigns[id]
		mask := strings.Split(op.UpdateMask, ",")
		switch {
		case !ok || id == "" || strings.Contains(id, "/"):
			fail("requestError", "RESOURCE_NAME_MALFORMED", "The resource name is malformed or belongs to another customer.", name)
		case c == nil:
			fail("mutateError", "RESOURCE_NOT_FOUND", "The requested resource was not found.", name)
		case !slices.Contains(mask, "status"):
			fail("fieldMaskError", "FIELD_NOT_FOUND", "The update mask must name the fields to change; this fake changes only status.", op.UpdateMask)
		case op.Update.Status != Enabled && op.Update.Status != Paused:
			fail("requestError", "INVALID_ENUM_VALUE", "The status must be ENABLED or PAUSED; remove a campaign with a remove operation.", op.Update.Status)
		case c.Status == Removed:
			fail("operationAccessDeniedError", "OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE", "This operation is not allowed because the resource is removed.", name)
		case s.failing[customerID+"/"+id]:
			fail("databaseError", "CONCURRENT_MODIFICATION", "Multiple requests were attempting to modify the same resource at once. Retry the request.", name)
		default:
			apply[i] = c
			results[i] = map[string]string{"resourceName": name}
		}
	}

	if len(errs) > 0 && !req.PartialFailure {
		writeFailure(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.", errs)
		return
	}
	body := map[string]any{}
	if len(errs) > 0 {
		body["partialFailureError"] = map[string]any{
			"code":    3,
			"message": fmt.Sprintf("%s, at operations[%d].update", errs[0].Message, *errs[0].Location.FieldPathElements[0].Index),
			"details": []any{failureDetail(errs)},
		}
	}
	if req.ValidateOnly {
		writeJSON(w, http.StatusOK, body)
		return
	}
	for i, c := range apply {
		if c != nil {
			c.Status = req.Operations[i].Update.Status
		}
	}
	body["results"] = results
	writeJSON(w, http.StatusOK, body)
}
