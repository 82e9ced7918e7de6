import {useEffect, useState} from 'react';
import {Overview} from '../wailsjs/go/desktop/Environments';
import {desktop} from '../wailsjs/go/models';
import './style.css';

// A first, minimal window: the environments the folders hold, broken files
// with their problems. The dashboard with live state comes next.
function App() {
    const [overview, setOverview] = useState<desktop.Overview | null>(null);
    const [error, setError] = useState<string>('');

    useEffect(() => {
        Overview().then(setOverview).catch((e) => setError(String(e)));
    }, []);

    return (
        <main className="app">
            <header>
                <h1>Cloud Control</h1>
                {overview?.sandbox && <span className="badge" title={overview.sandboxUrl}>Sandbox</span>}
            </header>
            {error && <p className="error" role="alert">{error}</p>}
            {!overview && !error && <p>Loading environments…</p>}
            {overview && overview.environments.length === 0 && <p>No environment files found.</p>}
            <ul className="envs">
                {overview?.environments.map((e) => (
                    <li key={e.file + e.name} className={e.problems.length ? 'invalid' : ''}>
                        <strong>{e.name}</strong>
                        {e.description && <span className="desc"> — {e.description}</span>}
                        {e.stages.length > 0 && <div className="stages">{e.stages.join(' → ')}</div>}
                        {e.problems.map((p) => <pre key={p} className="problem">{p}</pre>)}
                    </li>
                ))}
            </ul>
        </main>
    );
}

export default App;
