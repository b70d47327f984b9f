import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  type HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_ROUTE_KEYS, API_ROUTES, type ApiRoute, routeParts } from '../../functions/routes.js';
import type { ArchiveSettings } from '../settings/resolve.js';

/** The integration of each function behind the API, by its construct id. */
const INTEGRATION_IDS: Readonly<Record<(typeof API_ROUTES)[ApiRoute], string>> = {
  'http-api': 'HttpApiIntegration',
  'retrieval-api': 'RetrievalIntegration',
};

/** The HTTP API and its `$default` stage. */
export interface ArchiveHttpApi {
  readonly api: HttpApi;
  readonly stage: HttpStage;
}

/**
 * The HTTP API (payload 2.0): each route of functions/routes.ts to its
 * function (`POST /rooms/{room_id}/archive` to the archiving function, the GET
 * routes to the read-only retrieval function), IAM
 * authorization unless `none` (with a warning), a throttled, auto-deployed
 * `$default` stage with JSON access logs in their own log group. Creates
 * `HttpApi`, its integrations, `HttpApiAccessLogGroup` and
 * `HttpApiDefaultStage` in `scope`.
 */
export function buildHttpApi(
  scope: Construct,
  props: {
    readonly settings: ArchiveSettings;
    /** The function behind each route. */
    readonly functions: Readonly<Record<(typeof API_ROUTES)[ApiRoute], IFunction>>;
    readonly logKey: IKey;
  },
): ArchiveHttpApi {
  const { settings } = props;
  const api = new HttpApi(scope, 'HttpApi', {
    description: 'HappyTalk archive: archive a room and read its transcript',
    createDefaultStage: false,
  });
  const authorizer: IHttpRouteAuthorizer =
    settings.httpApiAuthorization === 'iam' ? new HttpIamAuthorizer() : new HttpNoneAuthorizer();
  if (settings.httpApiAuthorization === 'none') {
    Validations.of(scope).addWarning(
      'happytalk-archive:UnauthenticatedHttpApi',
      'httpApiAuthorization is "none": anyone who knows the API URL and a room id can read its transcript',
    );
  }
  const integrations = new Map<string, HttpLambdaIntegration>();
  for (const route of API_ROUTE_KEYS) {
    const name = API_ROUTES[route];
    const integration =
      integrations.get(name) ??
      new HttpLambdaIntegration(INTEGRATION_IDS[name], props.functions[name], {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      });
    integrations.set(name, integration);
    const { method, path } = routeParts(route);
    api.addRoutes({ path, methods: [method as HttpMethod], integration, authorizer });
  }

  const accessLogGroup = new LogGroup(scope, 'HttpApiAccessLogGroup', {
    retention: settings.logRetention,
    encryptionKey: props.logKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const stage = new HttpStage(scope, 'HttpApiDefaultStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogGroup),
      format: AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          requestTime: '$context.requestTime',
          ip: '$context.identity.sourceIp',
          caller: '$context.identity.caller',
          userArn: '$context.identity.userArn',
          method: '$context.httpMethod',
          routeKey: '$context.routeKey',
          path: '$context.path',
          status: '$context.status',
          responseLength: '$context.responseLength',
          latency: '$context.responseLatency',
          integrationLatency: '$context.integrationLatency',
          integrationError: '$context.integrationErrorMessage',
          error: '$context.error.message',
        }),
      ),
    },
  });
  return { api, stage };
}
