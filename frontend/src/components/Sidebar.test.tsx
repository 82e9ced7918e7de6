import {describe, expect, it, vi} from 'vitest';
import {fireEvent, screen, within} from '@testing-library/react';
import {Sidebar} from './Sidebar';
import {renderUI} from '../test/render';
import {env} from '../test/envs';

const states = ['stopped', 'starting', 'running', 'partly running', 'stopping', 'failed', 'invalid'];

describe('Sidebar', () => {
    it('lists every environment by name with its overall state', () => {
        const envs = states.map((s) => env(`env-${s.replace(' ', '-')}`, s));
        renderUI(<Sidebar envs={envs} onSelect={() => {}} />);
        const items = within(screen.getByRole('navigation', {name: 'Environments'})).getAllByRole('listitem');
        expect(items).toHaveLength(states.length);
        states.forEach((s, i) => {
            const item = screen.getByRole('listitem', {name: `env-${s.replace(' ', '-')}`});
            expect(item).toBe(items[i]);
            const badge = within(item).getByTestId('state-badge');
            expect(badge).toHaveAttribute('data-state', s);
            expect(badge).toHaveTextContent(s === 'invalid' ? 'invalid file' : s);
        });
    });

    it('gives each state its own colour', () => {
        renderUI(<Sidebar envs={states.map((s) => env(s, s))} onSelect={() => {}} />);
        const colours = screen.getAllByTestId('state-badge').map((b) => b.getAttribute('style'));
        // partly running vs running vs failed etc. must not look the same.
        expect(new Set(colours).size).toBe(states.length);
    });

    it('selects an environment by its button and marks the current one', () => {
        const onSelect = vi.fn();
        renderUI(
            <Sidebar envs={[env('alpha', 'running'), env('beta', 'stopped')]} selected="alpha" onSelect={onSelect} />,
        );
        expect(screen.getByRole('button', {name: /^alpha/})).toHaveAttribute('aria-current', 'page');
        expect(screen.getByRole('button', {name: /^beta/})).not.toHaveAttribute('aria-current');
        fireEvent.click(screen.getByRole('button', {name: /^beta/}));
        expect(onSelect).toHaveBeenCalledWith('beta');
    });

    it('says when a broken file still has a usable last good version, and who holds a busy one', () => {
        renderUI(
            <Sidebar
                envs={[
                    env('edited', 'running', {
                        problems: [{file: 'f', line: 1, col: 1, message: 'm', source: '', text: 'f:1:1: m'}],
                        usable: true,
                    }),
                    env('held', 'starting', {busy: {pid: 42, action: 'start', client: 'cli', since: ''}}),
                ]}
                onSelect={() => {}}
            />,
        );
        expect(screen.getByRole('listitem', {name: 'edited'})).toHaveTextContent('file problems');
        expect(screen.getByRole('listitem', {name: 'held'})).toHaveTextContent('busy: start (cli)');
    });
});
