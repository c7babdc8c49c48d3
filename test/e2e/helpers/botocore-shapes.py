"""Runs KMS calls through botocore against an endpoint and checks each raw JSON answer against the
service model's output shape (member names, types, enums, required members).

argv: endpoint-url region calls.json  (calls: [{"op": "CreateGrant", "params": {...}}, ...]; a string
value "$N.Path.To" is replaced by that member of call N's answer, so later calls can use earlier ids)
prints one JSON line: [{"op", "error"?, "problems": [...], "answer"}]"""
import json, sys, base64, botocore.session

endpoint, region, calls_path = sys.argv[1], sys.argv[2], sys.argv[3]
session = botocore.session.get_session()
client = session.create_client('kms', region_name=region, endpoint_url=endpoint,
                               aws_access_key_id='AKIDSANDBOXTEST00000', aws_secret_access_key='x')
model = client.meta.service_model
raw = {}
client.meta.events.register('before-parse.kms.*', lambda response_dict=None, **kw: raw.update(body=response_dict['body']))

def check(shape, value, path, problems):
    t = shape.type_name
    if t == 'structure':
        if not isinstance(value, dict):
            return problems.append(f'{path}: expected an object')
        for k, v in value.items():
            if k not in shape.members:
                problems.append(f'{path}.{k}: not a member of {shape.name}')
            else:
                check(shape.members[k], v, f'{path}.{k}', problems)
        for req in shape.required_members:
            if req not in value:
                problems.append(f'{path}.{req}: required member missing')
    elif t == 'list':
        if not isinstance(value, list):
            return problems.append(f'{path}: expected a list')
        for i, v in enumerate(value):
            check(shape.member, v, f'{path}[{i}]', problems)
    elif t == 'map':
        if not isinstance(value, dict):
            return problems.append(f'{path}: expected a map')
        for k, v in value.items():
            check(shape.value, v, f'{path}.{k}', problems)
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

out, answers = [], []
for call in json.load(open(calls_path)):
    op = call['op']
    params = resolve(call.get('params', {}), answers)
    for k in ('Plaintext', 'CiphertextBlob', 'Message', 'Signature', 'Mac', 'PublicKey', 'ImportToken', 'EncryptedKeyMaterial'):
        if k in params and isinstance(params[k], str) and call.get('b64', True):
            params[k] = base64.b64decode(params[k])
    method = getattr(client, botocore.xform_name(op))
    raw.clear()
    entry = {'op': op, 'problems': []}
    try:
        method(**params)
        body = json.loads(raw.get('body') or b'{}')
        check(model.operation_model(op).output_shape, body, op, entry['problems']) if model.operation_model(op).output_shape else None
        entry['answer'] = body
    except client.exceptions.ClientError as e:
        entry['error'] = e.response['Error']['Code']
        entry['message'] = e.response['Error'].get('Message', '')
        body = {}
    answers.append(entry.get('answer', {}))
    out.append(entry)
print(json.dumps(out))
