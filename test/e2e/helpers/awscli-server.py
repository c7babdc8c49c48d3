"""One long-lived Python process per test file that speaks for the AWS CLI (helpers/awscli.ts).

Starting the AWS CLI costs about 0.7 s of CPU per command (the interpreter, botocore, and the
service model JSON parsed again every time); a test file runs dozens. Here the interpreter and the
models load once and each request runs in this process:

- {"kind": "cli", "args": [...]}: the AWS CLI's own entry point, exactly as the `aws` script calls
  it (awscli.clidriver.create_clidriver().main(args)), with stdout and stderr captured. A fresh
  driver and botocore session per command (no configuration leaks between commands); only the
  data loader (the parsed service models, read-only) is shared.
- {"kind": "calls", "service", "region", "endpoint", "calls": [{"op", "params"}], "check",
  "protocol"}: botocore client calls. check "raw" compares the raw JSON body of each answer with
  the operation's output shape (member names, types, enums, required members: the parser would
  silently drop a member AWS does not send); check "parsed" validates the parsed answer with
  botocore's ParamValidator (any protocol). "protocol" forces another wire protocol on the
  service's model (CloudWatch over awsQuery, as older CLIs speak it). A string "$N.Path.To" in the
  params is replaced by that member of call N's answer; a string given for a blob member at the
  top level is base64 (the bytes are sent).

Reads one JSON request per line on stdin, writes one JSON answer per line on stdout; the first
line out says which awscli and botocore answer (awscli null: not importable, the harness then
spawns `aws` per command).
"""
import base64
import contextlib
import datetime
import io
import json
import os
import sys

import botocore
import botocore.session
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

try:
    import awscli
    import awscli.clidriver
except ImportError:  # the AWS CLI v2 is a frozen bundle: no importable awscli
    awscli = None

PROTOCOL_OUT = sys.stdout


def reply(obj):
    PROTOCOL_OUT.write(json.dumps(obj) + '\n')
    PROTOCOL_OUT.flush()


# ---- the AWS CLI in-process ------------------------------------------------------------------

shared_loader = None


def run_cli(args):
    """What the `aws` script does (awscli/clidriver.py main()), with the output captured."""
    global shared_loader
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        driver = awscli.clidriver.create_clidriver()
        # the parsed service models are the bulk of a command's CPU; the loader only reads files
        if shared_loader is None:
            shared_loader = driver.session.get_component('data_loader')
        else:
            driver.session.register_component('data_loader', shared_loader)
        status = driver.main(args)
        awscli.clidriver.HISTORY_RECORDER.record('CLI_RC', status, 'CLI')
    return {'status': status, 'stdout': stdout.getvalue(), 'stderr': stderr.getvalue()}


# ---- botocore calls --------------------------------------------------------------------------

sessions = {}
clients = {}


def session_for(protocol):
    """A session per forced protocol, so the patched model never reaches other clients."""
    if protocol not in sessions:
        session = botocore.session.get_session()
        if protocol:
            loader = session.get_component('data_loader')
            original = loader.load_service_model

            def forced(service_name, type_name, api_version=None):
                model = original(service_name, type_name, api_version)
                if type_name == 'service-2':
                    model = dict(model, metadata=dict(model['metadata'], protocol=protocol, protocols=[protocol]))
                return model

            loader.load_service_model = forced
        sessions[protocol] = session
    return sessions[protocol]


def client_for(service, region, endpoint, protocol):
    key = (service, region, endpoint, protocol)
    if key not in clients:
        client = session_for(protocol).create_client(service, region_name=region, endpoint_url=endpoint)
        raw = {}
        client.meta.events.register('before-parse.*.*', lambda response_dict=None, **kw: raw.update(body=response_dict['body']))
        clients[key] = (client, raw)
    return clients[key]


def check_raw(shape, value, path, problems):
    t = shape.type_name
    if t == 'structure':
        if not isinstance(value, dict):
            return problems.append(f'{path}: expected an object')
        for k, v in value.items():
            if k not in shape.members:
                problems.append(f'{path}.{k}: not a member of {shape.name}')
            else:
                check_raw(shape.members[k], v, f'{path}.{k}', problems)
        for req in shape.required_members:
            if req not in value:
                problems.append(f'{path}.{req}: required member missing')
    elif t == 'list':
        if not isinstance(value, list):
            return problems.append(f'{path}: expected a list')
        for i, v in enumerate(value):
            check_raw(shape.member, v, f'{path}[{i}]', problems)
    elif t == 'map':
        if not isinstance(value, dict):
            return problems.append(f'{path}: expected a map')
        for k, v in value.items():
            check_raw(shape.value, v, f'{path}.{k}', problems)
    elif t == 'string':
        if not isinstance(value, str):
            return problems.append(f'{path}: expected a string')
        if shape.enum and value not in shape.enum:
            problems.append(f'{path}: {value} not in enum {shape.name}')
    elif t in ('integer', 'long'):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f'{path}: expected an integer')
    elif t == 'boolean':
        if not isinstance(value, bool):
            problems.append(f'{path}: expected a boolean')
    elif t == 'timestamp':
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f'{path}: expected epoch seconds')
    elif t == 'blob':
        try:
            base64.b64decode(value, validate=True)
        except Exception:
            problems.append(f'{path}: not base64')


def to_json(value):
    """A parsed answer as JSON: timestamps ISO 8601, blobs base64."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def resolve(v, answers):
    if isinstance(v, str) and v.startswith('$'):
        head, *rest = v[1:].split('.')
        cur = answers[int(head)]
        for p in rest:
            cur = cur[int(p)] if isinstance(cur, list) else cur[p]
        return cur
    if isinstance(v, dict):
        return {k: resolve(x, answers) for k, x in v.items()}
    if isinstance(v, list):
        return [resolve(x, answers) for x in v]
    return v


def run_calls(req):
    client, raw = client_for(req['service'], req['region'], req['endpoint'], req.get('protocol'))
    model = client.meta.service_model
    check = req.get('check')
    if check == 'raw' and not model.protocol.startswith('json'):
        raise ValueError(f'check "raw" reads JSON bodies; {req["service"]} speaks {model.protocol}')
    out, answers = [], []
    for call in req['calls']:
        op = call['op']
        op_model = model.operation_model(op)
        params = resolve(call.get('params', {}), answers)
        members = op_model.input_shape.members if op_model.input_shape else {}
        for k, v in list(params.items()):
            if k in members and members[k].type_name == 'blob' and isinstance(v, str):
                params[k] = base64.b64decode(v)
        raw.clear()
        entry = {'op': op, 'problems': []}
        try:
            parsed = getattr(client, botocore.xform_name(op))(**params)
            parsed.pop('ResponseMetadata', None)
            if check == 'raw':
                entry['answer'] = json.loads(raw.get('body') or b'{}')
                if op_model.output_shape:
                    check_raw(op_model.output_shape, entry['answer'], op, entry['problems'])
            else:
                entry['answer'] = to_json(parsed)
                if check == 'parsed' and op_model.output_shape:
                    report = ParamValidator().validate(parsed, op_model.output_shape)
                    # min/max are input rules AWS's own answers break (DynamoDB's NumberOfDecreasesToday 0)
                    entry['problems'] = [f'{e[0]} {e[1]}' for e in report._errors if e[0] not in ('invalid range', 'invalid length')]
        except ClientError as e:
            entry['error'] = e.response['Error']['Code']
            entry['message'] = e.response['Error'].get('Message', '')
            # the line the AWS CLI prints for it: "An error occurred (Code) when calling the Op operation: ..."
            entry['text'] = str(e)
        answers.append(entry.get('answer', {}))
        out.append(entry)
    return {'results': out}


def main():
    reply({'ready': True, 'awscli': awscli.__version__ if awscli else None, 'botocore': botocore.__version__})
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req['kind'] == 'cli':
                answer = run_cli(req['args'])
            else:
                answer = run_calls(req)
        except Exception as e:  # a harness mistake: name it, keep serving
            answer = {'fault': f'{type(e).__name__}: {e}'}
        reply(dict(answer, id=req['id']))


main()
