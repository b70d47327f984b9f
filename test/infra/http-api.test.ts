import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, createStack, logicalIdOf, synthTemplate } from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;
let template: Template;

beforeAll(async () => {
  bundles = await buildBundles();
  template = synthTemplate(bundles.dir);
});

afterAll(async () => {
  await bundles.remove();
});

describe('http api', () => {
  it('is an HTTP API with one Lambda proxy integration to http-api, payload format 2.0', () => {
    // Prepare
    const functionId = logicalIdOf(template, 'AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('HTTP API'),
    });

    // Assess
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
  });

  it('routes POST and GET /rooms/{room_id}/archive with AWS_IAM authorization', () => {
    // Act
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => ({
      routeKey: route.Properties.RouteKey,
      authorizationType: route.Properties.AuthorizationType,
    }));

    // Assess
    expect(routes.sort((a, b) => a.routeKey.localeCompare(b.routeKey))).toEqual([
      { routeKey: 'GET /rooms/{room_id}/archive', authorizationType: 'AWS_IAM' },
      { routeKey: 'POST /rooms/{room_id}/archive', authorizationType: 'AWS_IAM' },
    ]);
  });

  it('routes without authorization, with a synth warning, when httpApiAuthorization is none', () => {
    // Act
    const stack = createStack(bundles.dir, { context: { httpApiAuthorization: 'none' } });
    const open = Template.fromStack(stack);

    // Assess
    open.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { AuthorizationType: 'NONE' }, 2);
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
      'AthenaWorkGroupName',
      'GlueDatabaseName',
      'HttpApiUrl',
      'ReconcileFunctionName',
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
      Value: { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret') },
    });
  });
});
