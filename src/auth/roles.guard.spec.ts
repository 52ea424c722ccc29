import { Controller, ForbiddenException, Get, UnauthorizedException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from './auth-user.interface';
import { isAdmin } from './auth-user.checks';
import { Roles } from './roles.decorator';
import { RolesGuard } from './roles.guard';

@Controller()
class ExampleController {
  @Get()
  @Roles('admin')
  adminOnly(): void {}

  @Get()
  anyone(): void {}
}

const ada: AuthUser = { sub: 'u1', username: 'ada', role: 'user' };
const root: AuthUser = { sub: 'u2', username: 'root', role: 'admin' };

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());
  const context = (handler: () => void, user?: AuthUser) =>
    new ExecutionContextHost([{ user }], ExampleController, handler);

  it('lets any authenticated user through a route without @Roles()', () => {
    expect(guard.canActivate(context(ExampleController.prototype.anyone, ada))).toBe(true);
  });

  it('lets holders of the role through and refuses the others with 403', () => {
    expect(guard.canActivate(context(ExampleController.prototype.adminOnly, root))).toBe(true);
    expect(() => guard.canActivate(context(ExampleController.prototype.adminOnly, ada))).toThrow(
      ForbiddenException,
    );
  });

  it('refuses with 401 when no authentication guard ran before it', () => {
    expect(() => guard.canActivate(context(ExampleController.prototype.adminOnly))).toThrow(
      UnauthorizedException,
    );
  });

  it('isAdmin tells admins apart', () => {
    expect(isAdmin(root)).toBe(true);
    expect(isAdmin(ada)).toBe(false);
  });
});
