import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBundles,
  createStack,
  logicalIdOf,
  redactionKeySecretIdOf,
  render,
  synthTemplate,
  tokenSecretIdOf,
} from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;
let template: Template;
let httpApiFunction: string;
let retrievalFunction: string;

function functionByDescription(t: Template, description: string): string {
  return logicalIdOf(t, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp(description) });
}

/** Each route as `routeKey → function logical id (authorization type)`, through its integration. */
function routeTargets(t: Template): string[] {
  const resources = t.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
  return Object.values(t.findResources('AWS::ApiGatewayV2::Route'))
    .map((route) => {
      const integrationId = /^integrations\/<(.+)>$/.exec(render(route.Properties.Target))?.[1];
      const integration = integrationId === undefined ? undefined : resources[integrationId];
      const target = integration === undefined ? 'none' : render(integration.Properties.IntegrationUri);
      return `${route.Properties.RouteKey} → ${target} (${route.Properties.AuthorizationType})`;
    })
    .sort();
}

beforeAll(async () => {
  bundles = await buildBundles();
  template = synthTemplate(bundles.dir);
  httpApiFunction = functionByDescription(template, 'HTTP API');
  retrievalFunction = functionByDescription(template, 'retrieval API');
});

afterAll(async () => {
  await bundles.remove();
});

describe('http api', () => {
  it('is an HTTP API with two Lambda proxy integrations, to http-api and retrieval-api, payload format 2.0', () => {
    // Assess
    expect(httpApiFunction).not.toBe(retrievalFunction);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
    for (const functionId of [httpApiFunction, retrievalFunction]) {
      template.resourcePropertiesCountIs(
        'AWS::ApiGatewayV2::Integration',
        {
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
        },
        1,
      );
    }
  });

  it('routes POST to http-api and both GET routes to retrieval-api, with AWS_IAM authorization', () => {
    // Assess
    expect(routeTargets(template)).toEqual([
      `GET /rooms/{room_id}/archive → <${retrievalFunction}.Arn> (AWS_IAM)`,
      `GET /rooms/{room_id}/archive/versions → <${retrievalFunction}.Arn> (AWS_IAM)`,
      `POST /rooms/{room_id}/archive → <${httpApiFunction}.Arn> (AWS_IAM)`,
    ]);
  });

  it('lets API Gateway invoke http-api on the archive path and retrieval-api on both read paths', () => {
    // Prepare
    const api = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalIdOf(template, 'AWS::ApiGatewayV2::Api')}>`;

    // Act
    const invocations = Object.values(template.findResources('AWS::Lambda::Permission'))
      .filter((permission) => permission.Properties.Principal === 'apigateway.amazonaws.com')
      .map(({ Properties: p }) => `${p.Action} ${render(p.FunctionName)} from ${render(p.SourceArn)}`)
      .sort();

    // Assess
    expect(invocations).toEqual(
      [
        `lambda:InvokeFunction <${httpApiFunction}.Arn> from ${api}/*/*/rooms/{room_id}/archive`,
        `lambda:InvokeFunction <${retrievalFunction}.Arn> from ${api}/*/*/rooms/{room_id}/archive`,
        `lambda:InvokeFunction <${retrievalFunction}.Arn> from ${api}/*/*/rooms/{room_id}/archive/versions`,
      ].sort(),
    );
  });

  it('routes without authorization, with a synth warning, when httpApiAuthorization is none', () => {
    // Act
    const stack = createStack(bundles.dir, { context: { httpApiAuthorization: 'none' } });
    const open = Template.fromStack(stack);

    // Assess
    open.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
    expect(routeTargets(open)).toEqual([
      `GET /rooms/{room_id}/archive → <${retrievalFunction}.Arn> (NONE)`,
      `GET /rooms/{room_id}/archive/versions → <${retrievalFunction}.Arn> (NONE)`,
      `POST /rooms/{room_id}/archive → <${httpApiFunction}.Arn> (NONE)`,
    ]);
    Annotations.fromStack(stack).hasWarning(
      '/HappyTalkArchive/Archive',
      Match.stringLikeRegexp('httpApiAuthorization is "none"'),
    );
    Annotations.fromStack(createStack(bundles.dir)).hasNoWarning(
      '*',
      Match.stringLikeRegexp('httpApiAuthorization'),
    );
  });

  it('deploys automatically to the $default stage, throttled to 10 rps with bursts of 20', () => {
    // Assess
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
  });

  it('takes the throttling limits from context', () => {
    // Act
    const tuned = synthTemplate(bundles.dir, {
      context: { throttleRateLimit: '2.5', throttleBurstLimit: '5' },
    });

    // Assess
    tuned.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 2.5, ThrottlingBurstLimit: 5 },
    });
  });

  it('writes JSON access logs with caller, route, status, latency and integration error to its own log group', () => {
    // Act
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as {
      Properties: { AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': string[] }; Format: string } };
    };
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
    const logGroupId = DestinationArn['Fn::GetAtt'][0] as string;

    // Assess
    expect(JSON.parse(Format)).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      caller: '$context.identity.caller',
      method: '$context.httpMethod',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
    });
    expect(template.toJSON().Resources[logGroupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365 },
    });
    const functionLogGroups = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.LoggingConfig.LogGroup.Ref,
    );
    expect(functionLogGroups).not.toContain(logGroupId);
  });
});

describe('stack outputs', () => {
  it('name the bucket, API URL, queues, secret and alarm topic', () => {
    // Assess
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'AlarmTopicArn',
      'ArchiveBucketName',
      'ArchiveDeadLetterQueueUrl',
      'ArchiveQueueUrl',
      'AthenaFullWorkGroupName',
      'AthenaWorkGroupName',
      'CompletionWatcherFunctionName',
      'GlueDatabaseName',
      'HttpApiUrl',
      'ReconcileFunctionName',
      'RedactionKeySecretArn',
      'RuleDeadLetterQueueUrl',
      'TokenSecretArn',
    ]);
    const apiId = logicalIdOf(template, 'AWS::ApiGatewayV2::Api');
    template.hasOutput('HttpApiUrl', {
      Value: {
        'Fn::Join': ['', Match.arrayWith(['https://', { Ref: apiId }, '.execute-api.'])],
      },
    });
    template.hasOutput('TokenSecretArn', {
      Value: { Ref: tokenSecretIdOf(template) },
    });
    const workGroupId = (name: string) => logicalIdOf(template, 'AWS::Athena::WorkGroup', { Name: name });
    template.hasOutput('AthenaWorkGroupName', { Value: { Ref: workGroupId('HappyTalkArchive') } });
    template.hasOutput('AthenaFullWorkGroupName', { Value: { Ref: workGroupId('HappyTalkArchive-full') } });
    template.hasOutput('RedactionKeySecretArn', {
      Value: { Ref: redactionKeySecretIdOf(template) },
    });
    const off = synthTemplate(bundles.dir, { context: { redactedCopy: 'false' } });
    expect(Object.keys(off.toJSON().Outputs)).not.toContain('RedactionKeySecretArn');
  });
});
