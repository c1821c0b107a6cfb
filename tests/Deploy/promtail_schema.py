"""The shape of a promtail 2.8 configuration file, checked as strictly as promtail reads it (it refuses unknown keys).

promtail has no syntax check that runs without its binary, which is not on the test machine; this covers the parts
of its configuration reference deploy/promtail/promtail.yml can use. A key promtail knows but this schema does not
fails here too: add it with its type when it is needed.
"""

import re

DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|y))+$|^0$")
SIZE = re.compile(r"^\d+(\.\d+)?\s*([kKmMgGtT][iI]?)?[bB]?$")


class SchemaError(Exception):
    pass


class Str:
    def check(self, value, path):
        if not isinstance(value, str):
            raise SchemaError(f"{path}: expected a string, got {value!r}")


class Int:
    def check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(f"{path}: expected an integer, got {value!r}")


class Bool:
    def check(self, value, path):
        if not isinstance(value, bool):
            raise SchemaError(f"{path}: expected true or false, got {value!r}")


class Duration:
    def check(self, value, path):
        if not (isinstance(value, str) and DURATION.match(value)) and value != 0:
            raise SchemaError(f"{path}: expected a duration such as 10s, got {value!r}")


class Size:
    """A byte count, as a number or with a unit (promtail's flagext.ByteSize)."""

    def check(self, value, path):
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and SIZE.match(value))):
            raise SchemaError(f"{path}: expected a size such as 1048576 or 1MB, got {value!r}")


class Number:
    def check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SchemaError(f"{path}: expected a number, got {value!r}")


class Enum:
    def __init__(self, *values):
        self.values = values

    def check(self, value, path):
        if value not in self.values:
            raise SchemaError(f"{path}: {value!r} is not one of {', '.join(map(str, self.values))}")


class Any:
    def check(self, value, path):
        pass


class List:
    def __init__(self, item):
        self.item = item

    def check(self, value, path):
        if not isinstance(value, list):
            raise SchemaError(f"{path}: expected a list, got {value!r}")
        for i, item in enumerate(value):
            self.item.check(item, f"{path}[{i}]")


class Map:
    """A mapping of free keys (label names, expression names) to values of one type; null values allowed when
    promtail treats them as "same name" (the labels stage)."""

    def __init__(self, value, nullable=False):
        self.value, self.nullable = value, nullable

    def check(self, value, path):
        if not isinstance(value, dict):
            raise SchemaError(f"{path}: expected a mapping, got {value!r}")
        for key, item in value.items():
            if not isinstance(key, str):
                raise SchemaError(f"{path}: key {key!r} is not a string")
            if item is None and self.nullable:
                continue
            self.value.check(item, f"{path}.{key}")


class Obj:
    def __init__(self, fields, required=()):
        self.fields, self.required = fields, set(required)

    def check(self, value, path):
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise SchemaError(f"{path}: expected a mapping, got {value!r}")
        unknown = set(value) - set(self.fields)
        if unknown:
            raise SchemaError(f"{path}: field(s) {', '.join(sorted(map(str, unknown)))} not found "
                              f"(known: {', '.join(sorted(self.fields))})")
        for key in self.required - set(value):
            raise SchemaError(f"{path}: {key} is required")
        for key, item in value.items():
            self.fields[key].check(item, f"{path}.{key}")


class Lazy:
    """For recursion (match stages hold stages)."""

    def __init__(self, resolve):
        self.resolve = resolve

    def check(self, value, path):
        self.resolve().check(value, path)


TLS = Obj({"ca_file": Str(), "cert_file": Str(), "key_file": Str(), "ca": Str(), "cert": Str(), "key": Str(),
           "server_name": Str(), "insecure_skip_verify": Bool(), "min_version": Str()})
BASIC_AUTH = Obj({"username": Str(), "password": Str(), "password_file": Str()})
AUTHORIZATION = Obj({"type": Str(), "credentials": Str(), "credentials_file": Str()})
HTTP_CLIENT = {"basic_auth": BASIC_AUTH, "authorization": AUTHORIZATION, "oauth2": Any(), "bearer_token": Str(),
               "bearer_token_file": Str(), "proxy_url": Str(), "tls_config": TLS, "follow_redirects": Bool(),
               "enable_http2": Bool()}

SERVER = Obj({
    "disable": Bool(), "profiling_enabled": Bool(), "enable_runtime_reload": Bool(), "health_check_target": Bool(),
    "http_listen_network": Str(), "http_listen_address": Str(), "http_listen_port": Int(),
    "http_listen_conn_limit": Int(), "grpc_listen_network": Str(), "grpc_listen_address": Str(),
    "grpc_listen_port": Int(), "grpc_listen_conn_limit": Int(), "register_instrumentation": Bool(),
    "graceful_shutdown_timeout": Duration(), "http_server_read_timeout": Duration(),
    "http_server_write_timeout": Duration(), "http_server_idle_timeout": Duration(),
    "grpc_server_max_recv_msg_size": Int(), "grpc_server_max_send_msg_size": Int(),
    "grpc_server_max_concurrent_streams": Int(), "log_format": Enum("logfmt", "json"),
    "log_level": Enum("debug", "info", "warn", "error"), "log_source_ips_enabled": Bool(),
    "http_path_prefix": Str(), "external_url": Str(),
})

POSITIONS = Obj({"filename": Str(), "sync_period": Duration(), "ignore_invalid_yaml": Bool()})

CLIENT = Obj({
    "url": Str(), "headers": Map(Str()), "tenant_id": Str(), "batchwait": Duration(), "batchsize": Int(),
    "timeout": Duration(), "external_labels": Map(Str()), "drop_rate_limited_batches": Bool(),
    "stream_lag_labels": List(Str()),
    "backoff_config": Obj({"min_period": Duration(), "max_period": Duration(), "max_retries": Int()}),
    **HTTP_CLIENT,
}, required=["url"])

LIMITS = Obj({"readline_rate_enabled": Bool(), "readline_rate": Number(), "readline_burst": Int(),
              "readline_rate_drop": Bool(), "max_streams": Int(), "max_line_size": Size(),
              "max_line_size_truncate": Bool()})
TARGET_CONFIG = Obj({"sync_period": Duration(), "stdin": Bool()})
OPTIONS = Obj({"stream_lag_labels": Any()})

RELABEL_ACTIONS = ("replace", "keep", "drop", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase",
                   "uppercase", "keepequal", "dropequal")
RELABEL = Obj({"source_labels": List(Str()), "separator": Str(), "regex": Str(), "modulus": Int(),
               "target_label": Str(), "replacement": Str(), "action": Enum(*RELABEL_ACTIONS)})

STATIC = Obj({"targets": List(Str()), "labels": Map(Str())})
DOCKER_SD = Obj({"host": Str(), "port": Int(), "host_networking_host": Str(), "refresh_interval": Duration(),
                 "filters": List(Obj({"name": Str(), "values": List(Str())}, required=["name", "values"])),
                 **HTTP_CLIENT}, required=["host"])

STAGES = {}
STAGE = Lazy(lambda: _stage)


class _Stage:
    def check(self, value, path):
        if not isinstance(value, dict) or len(value) != 1:
            raise SchemaError(f"{path}: a stage is a mapping with exactly one key, the stage's name")
        (name, params), = value.items()
        if name not in STAGES:
            raise SchemaError(f"{path}: unknown pipeline stage {name!r} (known: {', '.join(sorted(STAGES))})")
        STAGES[name].check(params, f"{path}.{name}")


_stage = _Stage()

STAGES.update({
    "docker": Obj({}),
    "cri": Obj({"max_partial_lines": Int(), "max_partial_line_size": Size(), "max_partial_line_size_truncate": Bool()}),
    "regex": Obj({"expression": Str(), "source": Str()}, required=["expression"]),
    "json": Obj({"expressions": Map(Str()), "source": Str(), "drop_malformed": Bool()}, required=["expressions"]),
    "logfmt": Obj({"mapping": Map(Str(), nullable=True), "source": Str()}, required=["mapping"]),
    "replace": Obj({"expression": Str(), "source": Str(), "replace": Str()}, required=["expression"]),
    "template": Obj({"source": Str(), "template": Str()}, required=["source", "template"]),
    "labels": Map(Str(), nullable=True),
    "labelallow": List(Str()),
    "labeldrop": List(Str()),
    "static_labels": Map(Str()),
    "timestamp": Obj({"source": Str(), "format": Str(), "fallback_formats": List(Str()), "location": Str(),
                      "action_on_failure": Enum("fudge", "skip")}, required=["source", "format"]),
    "output": Obj({"source": Str()}, required=["source"]),
    "metrics": Any(),
    "tenant": Obj({"source": Str(), "value": Str(), "label": Str()}),
    "match": Obj({"selector": Str(), "stages": List(STAGE), "action": Enum("keep", "drop"),
                  "pipeline_name": Str(), "drop_counter_reason": Str()}, required=["selector"]),
    "drop": Obj({"source": Any(), "separator": Str(), "expression": Str(), "value": Str(), "older_than": Duration(),
                 "longer_than": Size(), "drop_counter_reason": Str()}),
    "multiline": Obj({"firstline": Str(), "max_wait_time": Duration(), "max_lines": Int()}, required=["firstline"]),
    "pack": Obj({"labels": List(Str()), "ingest_timestamp": Bool()}),
    "limit": Obj({"rate": Number(), "burst": Int(), "drop": Bool(), "by_label_name": Str(),
                  "max_distinct_labels": Int()}),
    "decolorize": Obj({}),
    "sampling": Obj({"rate": Number()}),
    "geoip": Obj({"db": Str(), "source": Str(), "db_type": Enum("city", "asn")}),
    "eventlogmessage": Obj({"source": Str(), "drop_invalid_labels": Bool(), "overwrite_existing": Bool()}),
})

FILE_SD = Obj({"files": List(Str()), "refresh_interval": Duration()})

SCRAPE_CONFIG = Obj({
    "job_name": Str(), "pipeline_stages": List(STAGE), "relabel_configs": List(RELABEL),
    "static_configs": List(STATIC), "file_sd_configs": List(FILE_SD), "docker_sd_configs": List(DOCKER_SD),
    "kubernetes_sd_configs": Any(), "consul_sd_configs": Any(), "consulagent_sd_configs": Any(),
    "journal": Any(), "syslog": Any(), "gcplog": Any(), "windows_events": Any(), "kafka": Any(), "gelf": Any(),
    "cloudflare": Any(), "heroku_drain": Any(), "loki_push_api": Any(), "azure_event_hubs": Any(),
    "encoding": Str(),
}, required=["job_name"])

CONFIG = Obj({
    "server": SERVER, "positions": POSITIONS, "clients": List(CLIENT), "scrape_configs": List(SCRAPE_CONFIG),
    "limits_config": LIMITS, "target_config": TARGET_CONFIG, "options": OPTIONS, "tracing": Obj({"enabled": Bool()}),
})


def validate(config):
    """Raises SchemaError naming the first place where `config` (a parsed promtail.yml) is not valid."""
    CONFIG.check(config, "promtail")
