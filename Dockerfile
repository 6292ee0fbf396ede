# Two stages: build a static binary, run it on a small base.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/incidentbot ./cmd/incidentbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/incidentbot /incidentbot
WORKDIR /data
EXPOSE 8080
ENTRYPOINT ["/incidentbot"]
CMD ["serve"]
